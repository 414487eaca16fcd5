package io.modelswap.placement;

import jakarta.enterprise.context.ApplicationScoped;

/** The latest {@link MemoryView} the run loop published, for display (metrics, listings). */
@ApplicationScoped
public class MemoryBoard {

    private volatile MemoryView view = MemoryView.OFF;

    public MemoryView view() {
        return view;
    }

    public void publish(MemoryView next) {
        view = next;
    }
}
