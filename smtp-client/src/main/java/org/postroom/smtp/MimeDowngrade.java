package org.postroom.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postroom.global.record.QueueFile;

/**
 * The 8-bit to quoted-printable conversion of mime_state.c (MIME_OPT_DOWNGRADE), for a server that
 * does not offer 8BITMIME. Lines go in one at a time and come out converted: in every entity whose
 * Content-Transfer-Encoding is 8bit or binary, the header is dropped and, as the last header of the
 * entity, "Content-Transfer-Encoding: quoted-printable" is added for a leaf or "7bit" for a multipart
 * or message/rfc822 entity, and a leaf's body lines are quoted-printable encoded exactly as Postfix
 * does (soft break once a line passes 72 characters, trailing white space encoded). Multipart bodies
 * are followed through their boundaries and message/rfc822 bodies are nested messages. An entity
 * without such a header is sent unchanged, as Postfix does, even with 8-bit octets in it.
 */
final class MimeDowngrade implements QueueFile.LineSink {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern BOUNDARY = Pattern.compile("(?i)(?:^|;)\\s*boundary\\s*=\\s*(?:\"([^\"]*)\"|([^;\\s]+))");
    /** Nesting bound: deeper structure is passed through as body text (mime_state's nesting limit). */
    private static final int MAX_DEPTH = 100;

    private enum Kind { LEAF, MULTIPART, MESSAGE }

    private final QueueFile.LineSink out;
    private final Deque<String> boundaries = new ArrayDeque<>();
    /** In headers of an entity (true) or in its body. */
    private boolean inHeaders = true;
    private final ByteArrayOutputStream header = new ByteArrayOutputStream();
    private Kind kind = Kind.LEAF;
    private boolean eightBit;
    private String boundary;
    /** The body being sent is a leaf entity to encode. */
    private boolean encodeBody;
    /** The header block just ended was a message/rfc822 entity's: after the empty line, its message's headers. */
    private boolean pendingNested;
    private final ByteArrayOutputStream qp = new ByteArrayOutputStream(80);

    MimeDowngrade(QueueFile.LineSink out) {
        this.out = out;
    }

    @Override
    public void line(byte[] data, int off, int len) throws IOException {
        if (inHeaders) {
            if (len > 0 && (data[off] == ' ' || data[off] == '\t') && header.size() > 0) {
                header.write('\n');
                header.write(data, off, len);
                return;
            }
            flushHeader();
            if (len > 0 && isHeader(data, off, len)) {
                header.write(data, off, len);
                return;
            }
            endOfHeaders();
            if (len == 0) {
                out.line(data, off, 0);
                if (pendingNested) {
                    pendingNested = false;
                    startEntity();
                }
                return;
            }
            pendingNested = false;
            // a non-header line ends the header block and is body text (mime_state does the same)
        }
        body(data, off, len);
    }

    /** Sends what is still held back (a header block without a body). */
    void finish() throws IOException {
        if (inHeaders) {
            flushHeader();
            endOfHeaders();
        }
    }

    private void body(byte[] data, int off, int len) throws IOException {
        if (len >= 2 && data[off] == '-' && data[off + 1] == '-' && !boundaries.isEmpty()) {
            String l = new String(data, off + 2, len - 2, StandardCharsets.ISO_8859_1);
            int depth = 0;
            for (String b : boundaries) {
                if (l.startsWith(b)) {
                    // pop the inner levels this boundary closes
                    for (int i = 0; i < depth; i++) boundaries.pop();
                    out.line(data, off, len);
                    if (l.startsWith(b + "--")) {
                        boundaries.pop();
                        startEpilogue();
                    } else {
                        startEntity();
                    }
                    return;
                }
                depth++;
            }
        }
        if (encodeBody) {
            encode(data, off, len);
        } else {
            out.line(data, off, len);
        }
    }

    private void startEntity() {
        inHeaders = true;
        kind = Kind.LEAF;
        eightBit = false;
        boundary = null;
        encodeBody = false;
    }

    /** After a closing boundary: the enclosing multipart's epilogue, sent as it is. */
    private void startEpilogue() {
        inHeaders = false;
        encodeBody = false;
    }

    private void flushHeader() throws IOException {
        if (header.size() == 0) return;
        byte[] h = header.toByteArray();
        header.reset();
        String text = new String(h, StandardCharsets.ISO_8859_1);
        int colon = text.indexOf(':');
        String name = text.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = text.substring(colon + 1).replace('\n', ' ').strip();
        boolean drop = false;
        if (name.equals("content-type")) {
            String v = value.toLowerCase(Locale.ROOT);
            if (v.startsWith("multipart/")) {
                kind = Kind.MULTIPART;
                Matcher m = BOUNDARY.matcher(value);
                boundary = m.find() ? (m.group(1) != null ? m.group(1) : m.group(2)) : null;
            } else if (v.startsWith("message/rfc822")) {
                kind = Kind.MESSAGE;
            } else {
                kind = Kind.LEAF;
            }
        } else if (name.equals("content-transfer-encoding")) {
            String v = value.toLowerCase(Locale.ROOT);
            int semi = v.indexOf(';');
            if (semi >= 0) v = v.substring(0, semi).strip();
            eightBit = v.equals("8bit") || v.equals("binary");
            drop = eightBit;
        }
        if (drop) return;
        int start = 0;
        for (int i = 0; i <= h.length; i++) {
            if (i == h.length || h[i] == '\n') {
                out.line(h, start, i - start);
                start = i + 1;
            }
        }
    }

    private void endOfHeaders() throws IOException {
        inHeaders = false;
        if (eightBit) {
            String cte = kind == Kind.LEAF ? "quoted-printable" : "7bit";
            byte[] h = ("Content-Transfer-Encoding: " + cte).getBytes(StandardCharsets.US_ASCII);
            out.line(h, 0, h.length);
        }
        switch (kind) {
            case MULTIPART -> {
                if (boundary != null && !boundary.isEmpty() && boundaries.size() < MAX_DEPTH) boundaries.push(boundary);
                encodeBody = false;
            }
            case MESSAGE -> {
                // the body is a message of its own: its headers come first (after the empty line)
                pendingNested = boundaries.size() < MAX_DEPTH;
                encodeBody = false;
            }
            case LEAF -> encodeBody = eightBit;
        }
    }

    /** mime_state_downgrade: one input line out as one or more quoted-printable lines. */
    private void encode(byte[] data, int off, int len) throws IOException {
        qp.reset();
        for (int i = off; i < off + len; i++) {
            if (qp.size() > 72) {
                qp.write('=');
                emit();
            }
            int ch = data[i] & 0xff;
            if ((ch < 32 && ch != '\t') || ch == '=' || ch > 126) {
                qp.write('=');
                qp.write(HEX[(ch >> 4) & 0xf]);
                qp.write(HEX[ch & 0xf]);
            } else {
                qp.write(ch);
            }
        }
        byte[] b = qp.toByteArray();
        int n = b.length;
        if (n > 0 && (b[n - 1] == ' ' || b[n - 1] == '\t')) {
            int ch = b[n - 1];
            qp.reset();
            qp.write(b, 0, n - 1);
            qp.write('=');
            qp.write(HEX[(ch >> 4) & 0xf]);
            qp.write(HEX[ch & 0xf]);
        }
        emit();
    }

    private void emit() throws IOException {
        byte[] b = qp.toByteArray();
        qp.reset();
        out.line(b, 0, b.length);
    }

    /** is_header_buf: a field name of printable characters other than ':', then optional white space and ':'. */
    private static boolean isHeader(byte[] d, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && d[i] > 32 && d[i] < 127 && d[i] != ':') i++;
        if (i == off) return false;
        while (i < end && (d[i] == ' ' || d[i] == '\t')) i++;
        return i < end && d[i] == ':';
    }
}
