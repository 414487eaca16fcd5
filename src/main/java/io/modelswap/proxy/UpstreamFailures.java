package io.modelswap.proxy;

import io.modelswap.backend.Upstream;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Words for a failure to reach an upstream that a person can act on. TLS failures especially: the JDK's "PKIX path
 * building failed: ... unable to find valid certification path to requested target" says nothing about trust stores
 * to someone who configured a peer.
 */
final class UpstreamFailures {

    /** Where docs/configuration.md explains how this host comes to trust a certificate. */
    private static final String TRUST_HINT = " (add its CA to this host's trust store: see \"TLS to upstreams and"
            + " peers\" in docs/configuration.md)";

    private UpstreamFailures() {
    }

    /** Why {@code cause} kept the connection to {@code target} from being made, for the client's error message. */
    static String describe(Throwable cause, Upstream target) {
        String where = target.host() + ":" + target.port();
        if (has(cause, SslHandshakeTimeoutException.class)) {
            return "TLS handshake with " + where + " not completed within " + target.timeouts().tlsHandshake()
                    + "s (timeouts.tlsHandshake)";
        }
        if (cause instanceof ConnectTimeoutException) {
            return "no connection to " + where + " within " + target.timeouts().connect() + "s (timeouts.connect)";
        }
        if (!(tls(cause))) {
            return String.valueOf(cause.getMessage());
        }
        String root = String.valueOf(rootCause(cause).getMessage());
        if (has(cause, CertificateExpiredException.class) || has(cause, CertificateNotYetValidException.class)) {
            return "the certificate of " + where + " is out of its validity period: " + root;
        }
        String lower = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT) + " " + root.toLowerCase(Locale.ROOT);
        if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
            return "the certificate of " + where + " is for another host name than " + target.host() + ": " + root;
        }
        if (has(cause, CertPathBuilderException.class) || has(cause, CertPathValidatorException.class)
                || lower.contains("pkix") || lower.contains("certification path")) {
            return "certificate not trusted by this host: the certificate " + where + " presented does not chain to"
                    + " a trusted CA" + TRUST_HINT + ": " + root;
        }
        return "TLS handshake with " + where + " failed: " + root;
    }

    /** Whether the connection failed in TLS (a handshake that failed or timed out, a certificate refused). */
    static boolean tls(Throwable cause) {
        return has(cause, SSLException.class);
    }

    /** A failure that trying again at once cannot cure: a timeout already waited for, a TLS refusal. */
    static boolean notWorthRetrying(Throwable cause) {
        return cause instanceof ConnectTimeoutException || tls(cause);
    }

    private static boolean has(Throwable cause, Class<? extends Throwable> type) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
