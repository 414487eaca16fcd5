package io.modelswap.proxy;

import io.modelswap.progress.LoadProgress;

/** Test access to the loading stream's wording. */
public final class LoadingStreamText {

    private LoadingStreamText() {
    }

    public static String describe(String model, LoadProgress.Estimate estimate) {
        return LoadingStream.describe(model, estimate);
    }
}
