package dev.clinfer.opencl.ops;

/**
 * Lets tests shrink the im2col chunk so the multi-chunk path runs on small inputs, and the
 * depthwise tile so the banded and in-place depthwise kernels run on small planes.
 */
final class ConvLaunchersTestHook {
    private ConvLaunchersTestHook() {
    }

    static void setMaxCol(long floats) {
        ConvLaunchers.maxColFloats = floats;
    }

    static void setDwTile(int floats) {
        ConvLaunchers.dwTileFloats = floats;
    }
}
