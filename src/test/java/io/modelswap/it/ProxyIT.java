package io.modelswap.it;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same proxy tests against the packaged application (the jar, or the native binary with -Dnative). */
@QuarkusIntegrationTest
class ProxyIT extends ProxyTest {
}
