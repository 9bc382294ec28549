package dev.clinfer.opencl.ops;

/** Lets tests shrink the im2col chunk so the multi-chunk path runs on small inputs. */
final class ConvLaunchersTestHook {
    private ConvLaunchersTestHook() {
    }

    static void setMaxCol(long floats) {
        ConvLaunchers.maxColFloats = floats;
    }
}
