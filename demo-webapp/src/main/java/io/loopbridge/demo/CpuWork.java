package io.loopbridge.demo;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The {@code cpu} scenario's work: {@code rounds} chained SHA-256 digests of a 1 KiB block, about 1.5 µs
 * a round once compiled (SHA intrinsics), so the default of 64 rounds is roughly 100 µs of CPU on the thread that runs it
 * (the loop thread for the bridge modes, the request thread for {@code direct}). The body reports the
 * time it really took ({@code elapsedMicros}). Threads: stateless, any thread.
 */
final class CpuWork {
    static final int DEFAULT_ROUNDS = 64;
    static final int MAX_ROUNDS = 10_000;

    /** The cpu scenario's body. */
    record Hashed(String mode, int rounds, String digest, long elapsedMicros, String thread) {}

    private CpuWork() {}

    static int rounds(Params params) {
        return params.integer("rounds");
    }

    static Hashed hash(String mode, int rounds) {
        long start = System.nanoTime();
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        byte[] block = new byte[1024];
        byte[] digest = new byte[0];
        for (int i = 0; i < rounds; i++) {
            sha.update(block);
            digest = sha.digest();
            System.arraycopy(digest, 0, block, (i * 32) % (block.length - 32), digest.length);
        }
        return new Hashed(mode, rounds, HexFormat.of().formatHex(digest, 0, 8), (System.nanoTime() - start) / 1000,
                Scenarios.thread());
    }
}
