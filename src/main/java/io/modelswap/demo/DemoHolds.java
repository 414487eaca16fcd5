package io.modelswap.demo;

/**
 * The demo upstream's held streams ({@code --hold-after N}): a stream waits after N chunks until {@code POST /release}.
 * A held stream counts as held from its start, so that a client that has read the chunks before the hold and then
 * posts {@code /release} releases it even if its thread has not reached the hold yet. Thread-safe: every stream runs on
 * a thread of its own.
 */
final class DemoHolds {

    private final Object lock = new Object();
    private long generation;
    private int holding;

    /** Counts a held stream in from now on; returns {release generation at registration, still counted (1/0)}. */
    long[] register() {
        synchronized (lock) {
            holding++;
            return new long[] {generation, 1};
        }
    }

    void unregister(long[] hold) {
        synchronized (lock) {
            if (hold[1] == 1) {
                hold[1] = 0;
                holding--;
            }
        }
    }

    /** Waits for a /release posted after the stream began (one posted before this point counts too). */
    void holdUntilReleased(int chunks, long[] hold) {
        System.out.println("holding the stream after " + chunks + " chunks until POST /release");
        synchronized (lock) {
            try {
                long deadline = System.currentTimeMillis() + 600_000;
                while (hold[0] == generation && System.currentTimeMillis() < deadline) {
                    lock.wait(1_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        unregister(hold);
    }

    /** The streams held (or registered to be) now. */
    int holding() {
        synchronized (lock) {
            return holding;
        }
    }

    /** Releases every stream registered so far, whether it reached its hold or not; returns how many were held. */
    int releaseAll() {
        synchronized (lock) {
            int released = holding;
            generation++;
            lock.notifyAll();
            return released;
        }
    }
}
