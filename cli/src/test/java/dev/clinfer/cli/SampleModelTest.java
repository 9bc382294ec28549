package dev.clinfer.cli;

import dev.clinfer.api.Session;
import dev.clinfer.api.SessionOptions;
import dev.clinfer.api.Tensor;
import dev.clinfer.api.UnsupportedOperatorException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundled sample: preprocessing by hand, and the classifier's verdict once kernels exist. */
class SampleModelTest {
    @Test
    void preprocessingFollowsPpOcr() {
        // A white 40x20 image with a black left half: height 48 keeps the 2:1 ratio -> width 96.
        BufferedImage img = new BufferedImage(40, 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 40; x++) {
                img.setRGB(x, y, x < 20 ? 0x000000 : 0xffffff);
            }
        }
        Tensor t = SampleModel.preprocess(img);
        assertArrayEquals(new long[] {1, 3, 48, 192}, t.shape());
        float[] v = t.toFloatArray();
        int plane = 48 * 192;
        for (int c = 0; c < 3; c++) {
            int row = c * plane + 24 * 192;
            assertEquals(-1f, v[row + 10], 1e-6, "black -> (0 - 0.5) / 0.5");
            assertEquals(1f, v[row + 80], 1e-6, "white -> (1 - 0.5) / 0.5");
            assertEquals(0f, v[row + 96], 0f, "padding right of the resized width is zero");
            assertEquals(0f, v[row + 191], 0f);
        }
    }

    @Test
    void wideLinesAreSqueezedTo192() {
        BufferedImage line = SampleModel.renderLine(SampleModel.TEXT);
        assertTrue(line.getWidth() > 4 * line.getHeight(), "the sample line is wider than 192/48");
        float[] v = SampleModel.preprocess(line).toFloatArray();
        // the last column is image, not padding: white background -> 1.0
        assertEquals(1f, v[5 * 192 + 191], 1e-6);
        BufferedImage turned = SampleModel.rotate180(line);
        assertEquals(line.getRGB(3, 5), turned.getRGB(line.getWidth() - 4, line.getHeight() - 6));
    }

    @Test
    void predictionLineFormat() {
        assertEquals("upright line  -> 0°   (p=0.99)",
                RunCommand.line("upright line", new SampleModel.Prediction("0", 0.9912f)));
        assertEquals("rotated line  -> 180° (p=0.97)",
                RunCommand.line("rotated line", new SampleModel.Prediction("180", 0.97f)));
    }

    /** Skipped only while the engine lacks a kernel the classifier needs. */
    @Test
    void classifiesUprightAndRotatedLines() {
        BufferedImage upright = SampleModel.renderLine(SampleModel.TEXT);
        try (Session s = Session.create(SampleModel.modelBytes(), new SessionOptions().device("java"))) {
            SampleModel.Prediction a = SampleModel.classify(s, upright);
            SampleModel.Prediction b = SampleModel.classify(s, SampleModel.rotate180(upright));
            assertEquals("0", a.label(), "upright line, p=" + a.probability());
            assertEquals("180", b.label(), "rotated line, p=" + b.probability());
            assertTrue(a.probability() > 0.5f && b.probability() > 0.5f);
        } catch (UnsupportedOperatorException e) {
            Assumptions.abort("operator kernels not there yet: " + e.getMessage());
        }
    }

    /** The same through the command line: {@code clinfer run} with no model. */
    @Test
    void runWithoutModelRunsTheSample() {
        try (Session s = Session.create(SampleModel.modelBytes(), new SessionOptions().device("java"))) {
            SampleModel.classify(s, SampleModel.renderLine(SampleModel.TEXT));
        } catch (UnsupportedOperatorException e) {
            Assumptions.abort("operator kernels not there yet: " + e.getMessage());
        }
        CliRun r = CliRun.of("run", "--device", "java");
        assertEquals(0, r.code, r.toString());
        assertTrue(r.out.matches("(?s).*upright line  -> 0°   \\(p=[01]\\.\\d\\d\\).*"), r.toString());
        assertTrue(r.out.matches("(?s).*rotated line  -> 180° \\(p=[01]\\.\\d\\d\\).*"), r.toString());
    }
}
