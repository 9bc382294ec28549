package dev.clinfer.opencl;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.util.ArrayList;
import java.util.List;

/** Opens a binding for tests: skips without OpenCL on a developer machine, fails under CI=true. */
public final class ClTestSupport {
    private ClTestSupport() {
    }

    /** @param binding jocl or lwjgl @return the binding and its first device, or aborts/fails */
    public static ClBinding openOrSkip(String binding) {
        try {
            ClBinding b = ClBindings.open(binding, new ArrayList<>());
            List<ClDevice> d = b.devices();
            Assertions.assertFalse(d.isEmpty());
            return b;
        } catch (ClUnavailableException e) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("CI=true but no OpenCL device through " + binding + ": " + e.getMessage());
            }
            Assumptions.abort("no OpenCL device through " + binding + ": " + e.getMessage());
            return null;
        }
    }
}
