package io.modelswap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LlamaSwapFileReflectionTest {

    @Test
    void everyMappingInterfaceIsRegisteredForReflectionInTheNativeImage() {
        Set<Class<?>> expected = new HashSet<>(Arrays.asList(LlamaSwapFile.class.getDeclaredClasses()));
        expected.add(LlamaSwapFile.class);
        Set<Class<?>> registered = new HashSet<>(Arrays.asList(
                LlamaSwapFileReflection.class.getAnnotation(RegisterForReflection.class).targets()));
        assertEquals(expected, registered, "KnownKeys reads these interfaces' methods; unregistered ones make "
                + "a native modelswap warn about valid keys");
    }
}
