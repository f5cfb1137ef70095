package org.postroom.global.bounce;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.postroom.global.bounce.BounceTemplate.Kind;
import org.postroom.global.config.ConfigException;
import org.postroom.global.config.MainCf;
import org.postroom.global.config.Params;

/**
 * The group of four templates bounce(8) uses (bounce_templates.c): Postfix's built-in ones, each of which a
 * bounce_template_file may override. The file holds "failure_template = <<EOF" ... "EOF" blocks (any
 * alphanumeric end marker); outside them, blank lines and lines starting with "#" are skipped. A line that
 * is not "name = value", or a "<<" without a proper end marker, is a {@link ConfigException} naming file and
 * line; an unknown template name, a missing end marker at the end of the file, and a template whose headers
 * or text are unusable are warnings, and the built-in template stays, as in Postfix.
 */
public record BounceTemplates(BounceTemplate failure, BounceTemplate delay, BounceTemplate success, BounceTemplate verify) {

    private static final String MAILER_DAEMON = "MAILER-DAEMON";
    private static final String OBSOLETE_FROM = MAILER_DAEMON + " (Mail Delivery System)";
    private static final String STANDARD_FROM = "Mail Delivery System <" + MAILER_DAEMON + ">";
    private static final String FOOTER = "                   The mail system";

    private static final BounceTemplates DEFAULTS = new BounceTemplates(
            builtIn(Kind.FAILURE, "Undelivered Mail Returned to Sender", "Postmaster Copy: Undelivered Mail", List.of(
                    "This is the mail system at host $myhostname.",
                    "",
                    "I'm sorry to have to inform you that your message could not",
                    "be delivered to one or more recipients. It's attached below.",
                    "",
                    "For further assistance, please send mail to postmaster.",
                    "",
                    "If you do so, please include this problem report. You can",
                    "delete your own text from the attached returned message.",
                    "",
                    FOOTER)),
            builtIn(Kind.DELAY, "Delayed Mail (still being retried)", "Postmaster Warning: Delayed Mail", List.of(
                    "This is the mail system at host $myhostname.",
                    "",
                    "####################################################################",
                    "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #",
                    "####################################################################",
                    "",
                    "Your message could not be delivered for more than $delay_warning_time_hours hour(s).",
                    "It will be retried until it is $maximal_queue_lifetime_days day(s) old.",
                    "",
                    "For further assistance, please send mail to postmaster.",
                    "",
                    "If you do so, please include this problem report. You can",
                    "delete your own text from the attached returned message.",
                    "",
                    FOOTER)),
            builtIn(Kind.SUCCESS, "Successful Mail Delivery Report", null, List.of(
                    "This is the mail system at host $myhostname.",
                    "",
                    "Your message was successfully delivered to the destination(s)",
                    "listed below. If the message was delivered to mailbox you will",
                    "receive no further notifications. Otherwise you may still receive",
                    "notifications of mail delivery errors from other systems.",
                    "",
                    FOOTER)),
            builtIn(Kind.VERIFY, "Mail Delivery Status Report", null, List.of(
                    "This is the mail system at host $myhostname.",
                    "",
                    "Enclosed is the mail delivery report that you requested.",
                    "",
                    FOOTER)));

    private static BounceTemplate builtIn(Kind kind, String subject, String pmSubject, List<String> text) {
        return new BounceTemplate(kind, BounceTemplate.BUILT_IN, "us-ascii", false, STANDARD_FROM, OBSOLETE_FROM, subject,
                Optional.ofNullable(pmSubject), text);
    }

    /** Postfix's built-in templates. */
    public static BounceTemplates defaults() {
        return DEFAULTS;
    }

    public BounceTemplate get(Kind kind) {
        return switch (kind) {
            case FAILURE -> failure;
            case DELAY -> delay;
            case SUCCESS -> success;
            case VERIFY -> verify;
        };
    }

    /** The templates bounce_template_file names, or the built-in ones when it is empty. */
    public static BounceTemplates load(MainCf cfg, Consumer<String> warn) {
        String file = cfg.get(Params.BOUNCE_TEMPLATE_FILE).strip();
        return file.isEmpty() ? defaults() : load(Path.of(file), warn);
    }

    /** Reads a template file (load_file): one that cannot be opened is a {@link ConfigException}. */
    public static BounceTemplates load(Path file, Consumer<String> warn) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("open " + file + ": No such file or directory");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ConfigException("read " + file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException("open " + file + ": " + e.getMessage());
        }
        return parse(file.toString(), text, warn);
    }

    /** bounce_templates_load: the built-in templates with those in {@code text} (from {@code origin}) in their place. */
    public static BounceTemplates parse(String origin, String text, Consumer<String> warn) {
        Map<Kind, BounceTemplate> out = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) out.put(k, DEFAULTS.get(k));
        String[] lines = text.split("\n", -1);
        int n = text.endsWith("\n") ? lines.length - 1 : lines.length;
        for (int i = 0; i < n; i++) {
            String line = lines[i];
            String t = line.stripLeading();
            if (t.isEmpty() || t.startsWith("#") || t.chars().allMatch(Character::isWhitespace)) continue;
            int at = i + 1;
            int eq = line.indexOf('=');
            String name = eq < 0 ? line.strip() : line.substring(0, eq).strip();
            if (name.isEmpty()) throw new ConfigException(origin + ":" + at + ": missing attribute name: \"" + line + "\"");
            if (eq < 0 || name.chars().anyMatch(Character::isWhitespace)) {
                throw new ConfigException(origin + ":" + at + ": missing '=' after attribute name: \"" + line + "\"");
            }
            String value = line.substring(eq + 1).strip();
            if (value.startsWith("<<")) {
                String marker = value.substring(2).strip();
                if (marker.isEmpty()) throw new ConfigException(origin + ":" + at + ": missing end marker after <<");
                if (!Character.isLetterOrDigit(marker.charAt(0)) || marker.charAt(0) >= 0x80) {
                    throw new ConfigException(origin + ":" + at + ": malformed end marker after <<");
                }
                StringBuilder b = new StringBuilder();
                boolean closed = false;
                while (++i < n) {
                    if (lines[i].equals(marker)) {
                        closed = true;
                        break;
                    }
                    if (!b.isEmpty()) b.append('\n');
                    b.append(lines[i]);
                }
                if (!closed) warn.accept(origin + ":" + at + ": missing \"" + marker + "\" end marker");
                value = b.toString();
            }
            Kind kind = kindOf(name);
            if (kind == null) {
                warn.accept(origin + ":" + at + ": unknown template name: " + name + " -- ignoring this template");
                continue;
            }
            BounceTemplate.parse(DEFAULTS.get(kind), origin, value, warn).ifPresentOrElse(tp -> out.put(kind, tp),
                    () -> out.put(kind, DEFAULTS.get(kind)));
        }
        return new BounceTemplates(out.get(Kind.FAILURE), out.get(Kind.DELAY), out.get(Kind.SUCCESS), out.get(Kind.VERIFY));
    }

    private static Kind kindOf(String name) {
        for (Kind k : Kind.values()) if (name.equals(k.className + "_template")) return k;
        return null;
    }

    /** bounce_templates_dump, what postconf -t prints: every template in the format this class reads. */
    public String dump(boolean obsoleteFrom) {
        StringBuilder b = new StringBuilder();
        for (Kind k : Kind.values()) {
            if (k != Kind.FAILURE) b.append('\n');
            b.append(k.className).append("_template = <<EOF\n").append(get(k).dump(obsoleteFrom)).append("EOF\n");
        }
        return b.toString();
    }

    /** bounce_templates_expand, what postconf -b prints: the text of every template with $name expanded. */
    public String expand(TemplateContext ctx) {
        StringBuilder b = new StringBuilder();
        for (Kind k : Kind.values()) {
            if (k != Kind.FAILURE) b.append('\n');
            b.append("expanded_").append(k.className).append("_text = <<EOF\n");
            for (String l : get(k).expand(ctx)) b.append(l).append('\n');
            b.append("EOF\n");
        }
        return b.toString();
    }
}
