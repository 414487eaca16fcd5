package io.modelswap.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes immutable records through the event bus by reference. modelswap's bus is local only (never clustered),
 * so nothing is ever serialized; one named codec serves every message type instead of one registration per record.
 */
public final class LocalCodec implements MessageCodec<Object, Object> {

    public static final String NAME = "modelswap-local";

    /** Delivery options every modelswap publisher uses. */
    public static final DeliveryOptions LOCAL = new DeliveryOptions().setCodecName(NAME).setLocalOnly(true);

    /** Registers the codec once per event bus; later calls are no-ops. */
    public static synchronized void registerOn(EventBus bus) {
        try {
            bus.registerCodec(new LocalCodec());
        } catch (IllegalStateException alreadyRegistered) {
            // the codec is already there: a second Vert.x consumer of modelswap set it up first
        }
    }

    @Override
    public void encodeToWire(Buffer buffer, Object o) {
        throw new UnsupportedOperationException("modelswap events are local only");
    }

    @Override
    public Object decodeFromWire(int pos, Buffer buffer) {
        throw new UnsupportedOperationException("modelswap events are local only");
    }

    @Override
    public Object transform(Object o) {
        return o;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
