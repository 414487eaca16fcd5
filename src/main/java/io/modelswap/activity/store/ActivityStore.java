package io.modelswap.activity.store;

import io.modelswap.app.ConfigReloader;
import io.modelswap.settings.ModelswapSettings;
import io.modelswap.metrics.ActivityArchive;
import io.modelswap.metrics.ActivityLog;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * {@code store.path}: keeps the activity rows on disk so they survive a restart, as a {@link SegmentedLog} of JSON
 * lines. Chosen over an embedded database because it needs nothing beyond the JDK (nothing to register for the native
 * image, no native library), a crash can only tear the last line, and the files are plain JSON that {@code jq} reads.
 * The API still serves the newest {@code metricsMaxInMemory} rows from memory; at startup they are read back from
 * here. Disk is bounded by {@code modelswap.store.max-size} and {@code modelswap.store.max-age}.
 *
 * <p>Rows are written by one thread of its own from a bounded queue, so a slow disk never holds up a request; when
 * the queue is full a row is kept in memory only (and that is logged).
 */
@ApplicationScoped
public class ActivityStore implements ActivityArchive {

    private static final Logger LOG = Logger.getLogger(ActivityStore.class);

    /** Segment size: small enough that retention deletes in fine steps, large enough for few files. */
    static final long SEGMENT_BYTES = 1024 * 1024;
    /** Rows waiting for the disk at most. */
    static final int QUEUE = 10_000;

    private final ConfigReloader config;
    private final ActivityLog activity;
    private final ModelswapSettings settings;
    private SegmentedLog log;
    private ThreadPoolExecutor writer;
    private volatile long highestId;
    private volatile boolean warnedFull;

    public ActivityStore(ConfigReloader config, ActivityLog activity, ModelswapSettings settings) {
        this.config = config;
        this.activity = activity;
        this.settings = settings;
    }

    /** Opens the store once the configuration is loaded (default observers run at APPLICATION + 500). */
    void open(@Observes @Priority(Interceptor.Priority.APPLICATION + 600) StartupEvent event) {
        Optional<String> path = config.serverSettings().storePath();
        if (path.isEmpty()) {
            return;
        }
        Path dir = directoryFor(Path.of(path.get()));
        try {
            log = new SegmentedLog(dir, SEGMENT_BYTES, settings.store().maxSize().asLongValue(),
                    settings.store().maxAge(), Clock.systemUTC());
            log.enforceRetention();
        } catch (RuntimeException | IOException e) {
            LOG.errorf("store.path %s cannot be used (%s): activity is kept in memory only", dir, e.getMessage());
            log = null;
            return;
        }
        writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "modelswap-activity-store");
            t.setDaemon(true);
            return t;
        });
        activity.restoreFrom(this);
        LOG.infof("activity is kept in %s (store.path)", dir);
    }

    void close(@Observes ShutdownEvent event) {
        if (writer == null) {
            return;
        }
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
            log.close();
        } catch (IOException | InterruptedException e) {
            LOG.warnf("activity store not closed cleanly: %s", e.getMessage());
        }
    }

    /**
     * Where the log lives: {@code store.path} itself as a directory, unless it names an existing file (llama-swap's
     * SQLite database, left untouched), then a directory beside it.
     */
    static Path directoryFor(Path storePath) {
        return Files.isRegularFile(storePath) ? storePath.resolveSibling(storePath.getFileName() + ".modelswap")
                : storePath;
    }

    @Override
    public List<ActivityLog.Entry> newest(int max) {
        List<ActivityLog.Entry> out = new ArrayList<>();
        try {
            // a few more lines than rows: some may be torn or foreign
            for (String line : log.newest(max + 16)) {
                ActivityLog.Entry entry = ActivityCodec.decode(line);
                if (entry != null) {
                    out.add(entry);
                    highestId = Math.max(highestId, entry.id());
                }
            }
        } catch (IOException e) {
            LOG.warnf("activity store could not be read: %s", e.getMessage());
        }
        return out.size() <= max ? out : out.subList(out.size() - max, out.size());
    }

    @Override
    public long highestId() {
        return highestId;
    }

    @Override
    public void append(ActivityLog.Entry entry) {
        String line = ActivityCodec.encode(entry);
        try {
            writer.execute(() -> {
                try {
                    log.append(entry.id(), line);
                } catch (IOException e) {
                    LOG.warnf("activity row %d not written to the store: %s", entry.id(), e.getMessage());
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException full) {
            if (!warnedFull) {
                warnedFull = true;
                LOG.warnf("the activity store's disk is not keeping up: rows are kept in memory only until it does");
            }
        }
    }
}
