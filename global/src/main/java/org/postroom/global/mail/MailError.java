package org.postroom.global.mail;

import java.util.List;

/**
 * The classes of trouble a daemon reports to the postmaster (mail_error.h, mail_error.c): the bits of an
 * error mask and their notify_classes names. A daemon sets bits as it sees errors and sends a notice when
 * its error mask and the notify_classes mask meet.
 */
public final class MailError {
    private MailError() {}

    public static final int POLICY = 1 << 0;
    public static final int PROTOCOL = 1 << 1;
    public static final int BOUNCE = 1 << 2;
    public static final int SOFTWARE = 1 << 3;
    public static final int RESOURCE = 1 << 4;
    public static final int TWOBOUNCE = 1 << 5;
    public static final int DELAY = 1 << 6;
    public static final int DATA = 1 << 7;

    private static final List<String> NAMES = List.of("policy", "protocol", "bounce", "software", "resource", "2bounce",
            "delay", "data");

    /**
     * The mask of a notify_classes value (name_mask() with NAME_MASK_FATAL: names are case-sensitive and
     * an unknown one is an error).
     *
     * @throws IllegalArgumentException for an unknown name, with Postfix's text
     */
    public static int mask(List<String> names) {
        int m = 0;
        for (String n : names) {
            int bit = NAMES.indexOf(n);
            if (bit < 0) {
                throw new IllegalArgumentException("unknown notify_classes value \"" + n + "\" in \"" + String.join(", ", names) + "\"");
            }
            m |= 1 << bit;
        }
        return m;
    }

    /** The names of the bits in {@code mask}, in bit order (for logs and tests). */
    public static List<String> names(int mask) {
        return java.util.stream.IntStream.range(0, NAMES.size()).filter(i -> (mask & 1 << i) != 0).mapToObj(NAMES::get).toList();
    }
}
