package dev.clinfer.util;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Reads and writes whole files without the JDK's per-thread temporary direct buffers.
 *
 * <p>{@code Files.readAllBytes} reads through a file channel, which copies via a temporary direct
 * buffer as large as the file and keeps it cached in the calling thread; a server thread that
 * once loaded a 50 MB model would hold 50 MB of direct memory until it dies (the soak test saw ~19 MB
 * of direct memory left after every session had closed: model files read by the session-opening
 * thread, program binaries written by the common pool's threads). File streams copy through a
 * short-lived native buffer instead.
 */
public final class FileBytes {
    private FileBytes() {
    }

    /**
     * @param file a file
     * @return its bytes
     * @throws IOException when it cannot be read
     */
    public static byte[] read(Path file) throws IOException {
        try (InputStream in = new FileInputStream(file.toFile())) {
            return in.readAllBytes();
        }
    }

    /**
     * @param file  a file, created or truncated
     * @param bytes its new content
     * @throws IOException when it cannot be written
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        try (OutputStream out = new FileOutputStream(file.toFile())) {
            out.write(bytes);
        }
    }
}
