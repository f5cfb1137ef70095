package org.postroom.global.bounce;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.postroom.global.config.ConfigException;

/**
 * One bounce message template (bounce_template.c, bounce(5)): the MIME charset and encoding of its text,
 * the From: of the notice in both header_from_format styles, the Subject: for the sender and, for
 * failure and delay notices, the one for postmaster copies, and the text with $name references. The
 * origin ("[built-in]" or the template file as named) prefixes every diagnostic.
 */
public record BounceTemplate(Kind kind, String origin, String charset, boolean eightBit, String standardFrom,
                             String obsoleteFrom, String subject, Optional<String> postmasterSubject, List<String> text) {

    /** The template classes, each named as in "failure_template" and in diagnostics. */
    public enum Kind {
        FAILURE("failure"), DELAY("delay"), SUCCESS("success"), VERIFY("verify");

        public final String className;

        Kind(String className) {
            this.className = className;
        }
    }

    public static final String BUILT_IN = "[built-in]";

    public BounceTemplate {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(origin);
        Objects.requireNonNull(charset);
        Objects.requireNonNull(standardFrom);
        Objects.requireNonNull(obsoleteFrom);
        Objects.requireNonNull(subject);
        Objects.requireNonNull(postmasterSubject);
        text = List.copyOf(text);
    }

    /** The Content-Transfer-Encoding the text needs: "8bit" when it is not ASCII, else "7bit". */
    public String encoding() {
        return eightBit ? "8bit" : "7bit";
    }

    /** Whether the charset is us-ascii (compared without case, as Postfix does). */
    public boolean charsetIsAscii() {
        return charset.equalsIgnoreCase("us-ascii");
    }

    /** The From: value, in the header_from_format = standard or obsolete style. */
    public String from(boolean obsoleteFormat) {
        return obsoleteFormat ? obsoleteFrom : standardFrom;
    }

    /** The Subject: value: Postmaster-Subject for a postmaster copy when the template has one. */
    public String subject(boolean postmasterCopy) {
        return postmasterCopy && postmasterSubject.isPresent() ? postmasterSubject.get() : subject;
    }

    /**
     * The text with $name references expanded (bounce_template_expand). Conversion warnings go to the
     * context; a bad $name syntax or an undefined name is a {@link ConfigException} naming the origin,
     * the template and the line, as Postfix's msg_fatal does.
     */
    public List<String> expand(TemplateContext ctx) {
        TemplateExpander x = new TemplateExpander(this, ctx);
        List<String> out = new ArrayList<>(text.size());
        for (String line : text) {
            try {
                out.add(x.expand(line));
            } catch (TemplateExpander.Failure f) {
                throw new ConfigException(origin + ": " + (f.undefined ? "undefined" : "bad") + " $name"
                        + (f.undefined ? "" : " syntax") + " in " + kind.className + " template: " + line);
            }
        }
        return out;
    }

    /** bounce_template_dump: the headers, a blank line and the text, each line ending in a newline. */
    String dump(boolean obsoleteFormat) {
        StringBuilder b = new StringBuilder();
        b.append("Charset: ").append(charset).append('\n');
        b.append("From: ").append(from(obsoleteFormat)).append('\n');
        b.append("Subject: ").append(subject).append('\n');
        postmasterSubject.ifPresent(s -> b.append("Postmaster-Subject: ").append(s).append('\n'));
        b.append('\n');
        for (String l : text) b.append(l).append('\n');
        return b.toString();
    }

    /**
     * bounce_template_parse_buffer: a template from a template file, or empty when it cannot be used, after a
     * warning (empty, non-ASCII, unknown or inapplicable header; no text; 8-bit text with charset us-ascii).
     * Postfix then keeps the built-in template, and so does the caller.
     */
    static Optional<BounceTemplate> parse(BounceTemplate builtIn, String origin, String buffer, Consumer<String> warn) {
        String cls = builtIn.kind.className + " template";
        String[] lines = buffer.split("\n", -1);
        String charset = builtIn.charset, from = null, subject = builtIn.subject;
        Optional<String> pmSubject = builtIn.postmasterSubject;
        int i = 0;
        for (; i < lines.length; i++) {
            String line = lines[i];
            int hlen = headerLength(line);
            if (hlen <= 0) break;
            String label = line.substring(0, hlen);
            int v = hlen;
            while (v < line.length() && (line.charAt(v) == ':' || isSpace(line.charAt(v)))) v++;
            String value = line.substring(v);
            if (value.isEmpty()) {
                warn.accept(origin + ": empty \"" + label + "\" header value in " + cls + " -- ignoring this template");
                return Optional.empty();
            }
            if (!TemplateExpander.ascii(value)) {
                warn.accept(origin + ": non-ASCII \"" + label + "\" header value in " + cls + " -- ignoring this template");
                return Optional.empty();
            }
            switch (label.toLowerCase(Locale.ROOT)) {
                case "charset" -> charset = value;
                case "from" -> from = value;
                case "subject" -> subject = value;
                case "postmaster-subject" -> {
                    if (builtIn.postmasterSubject.isEmpty()) {
                        warn.accept(origin + ": inapplicable \"" + label + "\" header label in " + cls + " -- ignoring this template");
                        return Optional.empty();
                    }
                    pmSubject = Optional.of(value);
                }
                default -> {
                    warn.accept(origin + ": unknown \"" + label + "\" header label in " + cls + " -- ignoring this template");
                    return Optional.empty();
                }
            }
        }
        while (i < lines.length && lines[i].chars().allMatch(c -> isSpace((char) c))) i++;
        if (i >= lines.length) {
            warn.accept(origin + ": missing message text in " + cls + " -- ignoring this template");
            return Optional.empty();
        }
        List<String> text = List.of(lines).subList(i, lines.length);
        boolean eightBit = text.stream().anyMatch(l -> !TemplateExpander.ascii(l));
        if (eightBit && charset.equalsIgnoreCase("us-ascii")) {
            warn.accept(origin + ": 8-bit message text in " + cls);
            warn.accept("please specify a charset value other than us-ascii");
            warn.accept("-- ignoring this template for now");
            return Optional.empty();
        }
        return Optional.of(new BounceTemplate(builtIn.kind, origin, charset, eightBit, from == null ? builtIn.standardFrom : from,
                from == null ? builtIn.obsoleteFrom : from, subject, pmSubject, text));
    }

    /** is_header: the length of the label of a "label:" line (blanks allowed before the colon), else 0. */
    static int headerLength(String s) {
        int len = 0;
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':') return len;
            if (c == ' ' || c == '\t') {
                if (len == 0) return 0;
                space = true;
            } else if (c >= 0x80 || c < 0x20 || c == 0x7f || space) {
                return 0;
            } else {
                len++;
            }
        }
        return 0;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000b' || c == '\f';
    }
}
