package org.postroom.global.proto.deliver;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postroom.global.ipc.AttrNames;
import org.postroom.global.ipc.AttrWriter;
import org.postroom.global.ipc.Attrs;
import org.postroom.global.ipc.ProtocolException;

/**
 * The outcome for one recipient of a delivery request. SENT and BOUNCED recipients have been marked done
 * in the queue file by the agent; DEFERRED ones stay and qmgr writes the reason to the defer log, with the
 * formal fields of the DSN when there are any: the remote server ({@code mtaName}) and the diagnostic
 * ({@code diagType} "smtp" and the server's reply, or "x-unix" and a command's or write error's text).
 */
public record DeliveryStatus(long offset, Outcome outcome, String dsn, String reason, String mtaName, String diagType, String diagText) {

    /** A result with no remote server and no diagnostic in it. */
    public DeliveryStatus(long offset, Outcome outcome, String dsn, String reason) {
        this(offset, outcome, dsn, reason, "", "", "");
    }

    static final String MTA_NAME = "mta_mname";
    static final String DIAG_TYPE = "diag_type";
    static final String DIAG_TEXT = "diag_text";

    /** Final disposition classes, as the status= word of the log line. */
    public enum Outcome { SENT, DEFERRED, BOUNCED }

    public static DeliveryStatus sent(long offset, String dsn, String reason) {
        return new DeliveryStatus(offset, Outcome.SENT, dsn, reason);
    }

    public static DeliveryStatus deferred(long offset, String dsn, String reason) {
        return new DeliveryStatus(offset, Outcome.DEFERRED, dsn, reason);
    }

    public static DeliveryStatus bounced(long offset, String dsn, String reason) {
        return new DeliveryStatus(offset, Outcome.BOUNCED, dsn, reason);
    }

    /** Writes the agent's reply: one (offset, status, dsn_status, reason) group per recipient. */
    public static void writeAll(AttrWriter w, List<DeliveryStatus> all) throws IOException {
        writeGroups(w, all);
        w.end();
    }

    /** The recipient groups of a reply, without the end of the list ({@link DeliveryReply} adds to it). */
    static void writeGroups(AttrWriter w, List<DeliveryStatus> all) throws IOException {
        for (DeliveryStatus s : all) {
            w.attr(AttrNames.OFFSET, s.offset()).attr(AttrNames.STATUS, s.outcome().name()).attr(AttrNames.DSN_STATUS, s.dsn());
            // the remote server and the diagnostic, for the Remote-MTA and Diagnostic-Code of a later report
            if (!s.mtaName().isEmpty()) w.attr(MTA_NAME, s.mtaName());
            if (!s.diagType().isEmpty()) w.attr(DIAG_TYPE, s.diagType()).attr(DIAG_TEXT, s.diagText());
            w.attr(AttrNames.REASON, s.reason());
        }
    }

    /** The recipient groups of a reply; other attributes (a {@link DeliveryReply}'s hop status) are skipped. */
    public static List<DeliveryStatus> readAll(Attrs a) throws ProtocolException {
        List<DeliveryStatus> out = new ArrayList<>();
        long offset = -1;
        Outcome o = null;
        String dsn = null;
        String mta = "";
        String diagType = "";
        String diag = "";
        for (Map.Entry<String, String> e : a.entries()) {
            switch (e.getKey()) {
                case AttrNames.OFFSET -> {
                    try {
                        offset = Long.parseLong(e.getValue());
                    } catch (NumberFormatException ex) {
                        throw new ProtocolException("bad offset");
                    }
                }
                case AttrNames.STATUS -> {
                    try {
                        o = Outcome.valueOf(e.getValue());
                    } catch (IllegalArgumentException ex) {
                        throw new ProtocolException("bad status " + e.getValue());
                    }
                }
                case AttrNames.DSN_STATUS -> dsn = e.getValue();
                case MTA_NAME -> mta = e.getValue();
                case DIAG_TYPE -> diagType = e.getValue();
                case DIAG_TEXT -> diag = e.getValue();
                case AttrNames.REASON -> {
                    if (offset < 0 || o == null || dsn == null) throw new ProtocolException("incomplete status");
                    out.add(new DeliveryStatus(offset, o, dsn, e.getValue(), mta, diagType, diag));
                    offset = -1;
                    mta = "";
                    diagType = "";
                    diag = "";
                    o = null;
                    dsn = null;
                }
                default -> { }
            }
        }
        return out;
    }
}
