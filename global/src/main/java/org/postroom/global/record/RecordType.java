package org.postroom.global.record;

/** Record types of rec_type.h, each named by its one-letter code. */
public enum RecordType {
    SIZE('C'), TIME('T'), CTIME('c'), FULL('F'), INSP('I'), FILT('L'), FROM('S'), DONE('D'), RCPT('R'),
    ORCP('O'), DRCP('/'), WARN('W'), ATTR('A'), KILL('K'), RDR('>'), FLGS('f'), DELAY('d'), MESG('M'),
    CONT('L'), NORM('N'), DTXT('w'), XTRA('X'), RRTO('r'), ERTO('e'), PRIO('P'), PTR('p'), VERP('V'),
    DSN_RET('<'), DSN_ENVID('i'), DSN_ORCPT('o'), DSN_NOTIFY('n'), MILT_COUNT('m'), END('E');

    public final char code;

    RecordType(char code) {
        this.code = code;
    }

    private static final RecordType[] BY_CODE = new RecordType[128];

    static {
        for (RecordType t : values()) {
            if (t == FILT) continue; // 'L' is CONT in content; the envelope meaning is FILT
            BY_CODE[t.code] = t;
        }
    }

    /** The type for a code byte, or null for an unknown type. */
    public static RecordType of(int code) {
        return code >= 0 && code < 128 ? BY_CODE[code] : null;
    }
}
