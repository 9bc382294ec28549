package dev.clinfer.cli;

import dev.clinfer.api.ClinferException;
import dev.clinfer.api.Result;
import dev.clinfer.api.Session;
import dev.clinfer.api.Tensor;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The sample bundled with the CLI: the PP-OCR v2 text-direction classifier, fed a text line
 * drawn with Java2D, upright and turned by 180 degrees. See {@code sample/NOTICE.txt}.
 */
final class SampleModel {
    /** Classpath resource of the model, next to this class. */
    static final String RESOURCE = "sample/ppocr_cls.onnx";
    /** The line of text the sample draws. */
    static final String TEXT = "Hello clinfer 2026";
    /** Input height and maximum width of the classifier (PP-OCR cls_image_shape 3,48,192). */
    static final int HEIGHT = 48;
    static final int WIDTH = 192;
    /** Output labels, in the order of the classifier's softmax. */
    static final String[] LABELS = {"0", "180"};

    /**
     * @param label        {@code "0"} or {@code "180"} (degrees)
     * @param probability  its softmax probability
     */
    record Prediction(String label, float probability) {
    }

    static {
        // Drawing text must never need a display, also when the CLI is embedded rather than run by main().
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private SampleModel() {
    }

    /** @return the bytes of the bundled model */
    static byte[] modelBytes() {
        try (InputStream in = SampleModel.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new ClinferException("the bundled sample model " + RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Draws one line of black sans-serif text on white, cropped with a small margin, like the
     * text boxes PP-OCR's detector hands to the classifier.
     *
     * @param text the text
     * @return an RGB image
     */
    static BufferedImage renderLine(String text) {
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 32);
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D sg = scratch.createGraphics();
        FontMetrics fm = sg.getFontMetrics(font);
        int w = fm.stringWidth(text) + 16;
        int h = fm.getAscent() + fm.getDescent() + 8;
        sg.dispose();
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.setFont(font);
        g.drawString(text, 8, 4 + fm.getAscent());
        g.dispose();
        return img;
    }

    /** @param img an image @return the image turned by 180 degrees */
    static BufferedImage rotate180(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(w - 1 - x, h - 1 - y, img.getRGB(x, y));
            }
        }
        return out;
    }

    /**
     * PP-OCR's classifier preprocessing: resize to height 48 keeping the aspect ratio (width
     * {@code min(192, ceil(48 * w / h))}), scale pixels to [0, 1], normalise {@code (v - 0.5) / 0.5},
     * RGB planes (NCHW), and pad the right side with zeros up to width 192.
     *
     * @param img an image
     * @return float32 [1, 3, 48, 192]
     */
    static Tensor preprocess(BufferedImage img) {
        int rw = (int) Math.min(WIDTH, Math.ceil(HEIGHT * (double) img.getWidth() / img.getHeight()));
        BufferedImage resized = new BufferedImage(rw, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = resized.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(img, 0, 0, rw, HEIGHT, null);
        g.dispose();
        int plane = HEIGHT * WIDTH;
        float[] x = new float[3 * plane];
        for (int y = 0; y < HEIGHT; y++) {
            for (int c = 0; c < rw; c++) {
                int rgb = resized.getRGB(c, y);
                int at = y * WIDTH + c;
                x[at] = norm(rgb >> 16);
                x[plane + at] = norm(rgb >> 8);
                x[2 * plane + at] = norm(rgb);
            }
        }
        return Tensor.of(x, 1, 3, HEIGHT, WIDTH);
    }

    private static float norm(int channel) {
        return ((channel & 0xff) / 255f - 0.5f) / 0.5f;
    }

    /**
     * @param session a session of the bundled model
     * @param img     a text line
     * @return the more probable orientation
     */
    static Prediction classify(Session session, BufferedImage img) {
        String input = session.inputs().get(0).name();
        try (Result r = session.run(Map.of(input, preprocess(img)))) {
            float[] p = r.get(0).toFloatArray();
            if (p.length != LABELS.length) {
                throw new ClinferException("the sample classifier returned " + p.length + " values, expected "
                        + LABELS.length);
            }
            int best = p[1] > p[0] ? 1 : 0;
            return new Prediction(LABELS[best], p[best]);
        }
    }
}
