package io.modelswap.router.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Tickets that can neither be served nor start a swap yet. Ordered by priority (higher first), FIFO among
 * equals; remembers the position last told to each ticket so positions are only said when they change.
 */
final class TicketQueue {

    /** A queued ticket. {@code since} feeds the starvation guard. */
    static final class Entry {
        final Ticket ticket;
        final int priority;
        final Instant since;
        private int toldPosition;

        Entry(Ticket ticket, int priority, Instant since) {
            this.ticket = ticket;
            this.priority = priority;
            this.since = since;
        }
    }

    private List<Entry> entries = new ArrayList<>();

    /** Inserts before the first entry with strictly lower priority. */
    void add(Ticket t, int priority, Instant since) {
        int i = entries.size();
        for (int j = 0; j < entries.size(); j++) {
            if (entries.get(j).priority < priority) {
                i = j;
                break;
            }
        }
        entries.add(i, new Entry(t, priority, since));
    }

    /** Removes the ticket with this id; null when it is not queued. */
    Entry remove(long id) {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.ticket.id() == id) {
                it.remove();
                return e;
            }
        }
        return null;
    }

    List<Entry> removeIf(Predicate<Ticket> which) {
        List<Entry> removed = new ArrayList<>();
        entries.removeIf(e -> which.test(e.ticket) && removed.add(e));
        return removed;
    }

    /** Empties the queue for a drain; the drain hands the still-blocked entries back through {@link #restore}. */
    List<Entry> takeAll() {
        List<Entry> all = entries;
        entries = new ArrayList<>();
        return all;
    }

    /** Puts still-blocked entries back in front of anything queued during the drain, keeping their order. */
    void restore(List<Entry> blocked) {
        List<Entry> merged = new ArrayList<>(blocked);
        for (Entry e : entries) {
            merged.add(e);
        }
        entries = new ArrayList<>();
        for (Entry e : merged) {
            insertKeepingPosition(e);
        }
    }

    private void insertKeepingPosition(Entry e) {
        int i = entries.size();
        for (int j = 0; j < entries.size(); j++) {
            if (entries.get(j).priority < e.priority) {
                i = j;
                break;
            }
        }
        entries.add(i, e);
    }

    List<Entry> entries() {
        return entries;
    }

    int size() {
        return entries.size();
    }

    int count(String model) {
        int n = 0;
        for (Entry e : entries) {
            if (e.ticket.model().equals(model)) {
                n++;
            }
        }
        return n;
    }

    /** Tells every ticket whose 1-based position changed since it was last told. */
    void publishPositions(Effects effects) {
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.toldPosition != i + 1) {
                e.toldPosition = i + 1;
                effects.queuePosition(e.ticket, i + 1);
            }
        }
    }
}
