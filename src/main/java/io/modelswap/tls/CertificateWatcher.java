package io.modelswap.tls;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.runtime.options.TlsCertificateReloader;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Serves a renewed certificate without a restart: while HTTPS is on ({@code -tls-cert-file}/{@code -tls-key-file}, or
 * {@code quarkus.http.ssl.certificate.files}), the certificate and key files are polled as the configuration is
 * (mtime, size and real path, so a Kubernetes secret's symlink swap is seen), and a change makes Quarkus re-read them
 * for new connections. Quarkus's own reload task ({@code quarkus.http.ssl.certificate.reload-period}) must exist for
 * that; the flags set it, and without it a change is logged as needing a restart.
 */
@ApplicationScoped
public class CertificateWatcher {

    private static final Logger LOG = Logger.getLogger(CertificateWatcher.class);
    /** As often as the configuration file is polled. */
    static final long POLL_MILLIS = 2000;

    private final Vertx vertx;
    private long timer = -1;
    private List<Stamp> last = List.of();
    private final java.util.concurrent.atomic.AtomicBoolean reloading = new java.util.concurrent.atomic.AtomicBoolean();

    public CertificateWatcher(Vertx vertx) {
        this.vertx = vertx;
    }

    /** What is compared: a file's real path, modification time and size. */
    private record Stamp(String realPath, long modified, long size) {
    }

    void start(@Observes StartupEvent event) {
        List<Path> files = new ArrayList<>();
        files.addAll(paths("quarkus.http.ssl.certificate.files"));
        files.addAll(paths("quarkus.http.ssl.certificate.key-files"));
        if (files.isEmpty()) {
            return;
        }
        boolean reloadable = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.ssl.certificate.reload-period", String.class).isPresent();
        last = stamps(files);
        timer = vertx.setPeriodic(POLL_MILLIS, id -> check(files, reloadable));
        LOG.infof("HTTPS certificate %s watched for changes", files);
    }

    private void check(List<Path> files, boolean reloadable) {
        if (reloading.get()) {
            return;
        }
        List<Stamp> now = stamps(files);
        if (now.equals(last) || now.contains(null)) {
            return; // unchanged, or a file is missing for a moment (a secret being replaced)
        }
        last = now;
        if (!reloadable) {
            LOG.warnf("the HTTPS certificate files changed; set quarkus.http.ssl.certificate.reload-period (or use"
                    + " -tls-cert-file) for modelswap to serve them without a restart");
            return;
        }
        reloading.set(true);
        TlsCertificateReloader.reload().whenComplete((done, failure) -> {
            reloading.set(false);
            if (failure != null) {
                LOG.errorf("the HTTPS certificate files changed but could not be loaded (%s); the previous"
                        + " certificate is still served", failure.getMessage());
            } else {
                LOG.infof("HTTPS certificate reloaded from %s", files);
            }
        });
    }

    private static List<Stamp> stamps(List<Path> files) {
        List<Stamp> stamps = new ArrayList<>();
        for (Path file : files) {
            try {
                stamps.add(new Stamp(file.toRealPath().toString(), Files.getLastModifiedTime(file).toMillis(),
                        Files.size(file)));
            } catch (IOException gone) {
                stamps.add(null);
            }
        }
        return stamps;
    }

    private static List<Path> paths(String property) {
        Optional<String> value = ConfigProvider.getConfig().getOptionalValue(property, String.class);
        return value.map(v -> java.util.Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(Path::of).toList()).orElse(List.of());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
