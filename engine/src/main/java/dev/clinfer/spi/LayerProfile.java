package dev.clinfer.spi;

/**
 * Time spent in one node (or one transfer engine) summed over the requests since the session was
 * created or its counters were reset. Device times come from OpenCL profiling events (kernel
 * start to end), Java CPU lane times from the host clock.
 *
 * @param node       node name ({@code <upload>}/{@code <download>} for transfers)
 * @param op         op type ({@code Upload}/{@code Download} for transfers)
 * @param lane       where it ran: {@code "opencl 0:0"} or {@code "java"}
 * @param queue      the queue or thread kind: {@code compute0}, {@code compute1}, {@code upload},
 *                   {@code download}, {@code host}
 * @param calls      how many times it ran
 * @param totalNanos summed time
 * @param percent    share of the summed time of every row
 */
public record LayerProfile(String node, String op, String lane, String queue, long calls, long totalNanos,
                           double percent) {
}
