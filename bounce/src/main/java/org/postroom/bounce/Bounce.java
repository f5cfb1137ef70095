package org.postroom.bounce;

/** bounce(8): work in progress. */
public final class Bounce {
    private Bounce() {}

    public static void main(String[] args) {
        throw new UnsupportedOperationException("bounce(8) is not built yet");
    }
}
