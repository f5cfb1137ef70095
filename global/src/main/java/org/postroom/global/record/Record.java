package org.postroom.global.record;

import java.nio.charset.StandardCharsets;

/** One record: a type, its data and the file offset of its type byte (-1 when not read from a file). */
public record Record(RecordType type, byte[] data, long offset) {
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    public static Record of(RecordType type, String text) {
        return new Record(type, text.getBytes(StandardCharsets.UTF_8), -1);
    }
}
