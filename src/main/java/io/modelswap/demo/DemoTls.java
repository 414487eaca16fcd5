package io.modelswap.demo;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The demo upstream over HTTPS ({@code --tls-keystore file.p12 --tls-password pw}): a remote OpenAI-compatible
 * service behind TLS, as a peer, for the tests of modelswap's upstream TLS.
 */
final class DemoTls {

    private DemoTls() {
    }

    /** An HTTPS server on {@code address} serving the key and certificate of the PKCS12 {@code keystore}. */
    static HttpServer server(InetSocketAddress address, int backlog, String keystore, String password)
            throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(keystore))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            HttpsServer server = HttpsServer.create(address, backlog);
            server.setHttpsConfigurator(new HttpsConfigurator(context));
            return server;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot serve TLS with " + keystore + ": " + e.getMessage(), e);
        }
    }
}
