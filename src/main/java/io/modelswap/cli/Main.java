package io.modelswap.cli;

import io.modelswap.demo.DemoUpstream;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;

/** Entry point: llama-swap's flags become Quarkus properties before Quarkus starts. */
@QuarkusMain
public final class Main {

    private Main() {
    }

    public static void main(String... args) throws Exception {
        if (args.length > 0 && args[0].equals(DemoUpstream.SUBCOMMAND)) {
            // Hidden: the demo models' upstream (application.yaml), run without starting Quarkus.
            DemoUpstream.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        CommandLineFlags flags;
        try {
            flags = CommandLineFlags.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("modelswap: " + e.getMessage());
            System.err.print(CommandLineFlags.USAGE);
            System.exit(StartupFailure.USER_ERROR);
            return;
        }
        if (flags.help()) {
            System.out.print(CommandLineFlags.USAGE);
            return;
        }
        if (flags.version()) {
            System.out.println("modelswap " + Version.describe());
            return;
        }
        flags.properties().forEach(System::setProperty);
        Quarkus.run(null, Main::exit, flags.passThrough().toArray(String[]::new));
    }

    /** Quarkus's exit: with a failure (the start failed) say what to fix instead of Quarkus's stack trace. */
    private static void exit(int status, Throwable failure) {
        System.exit(failure == null ? status : StartupFailure.report(failure, System.err));
    }
}
