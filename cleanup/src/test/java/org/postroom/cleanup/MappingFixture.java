package org.postroom.cleanup;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.postroom.global.config.MainCf;

/** A cleanup configuration with a fake trivial-rewrite: bare names get @mail.example.com. */
final class MappingFixture {
    private MappingFixture() {}

    static final Set<String> LOCAL = Set.of("mail.example.com", "localhost");

    static String canonical(String address) {
        return address.indexOf('@') < 0 ? address + "@mail.example.com" : address;
    }

    static MainCf config(String extra) {
        return MainCf.parse(Path.of("/nonexistent/main.cf"), "myhostname = mail.example.com\nmyorigin = mail.example.com\n"
                + "recipient_delimiter = +\n" + extra, Map.of(), w -> {});
    }

    /** texthash: waits while a file is fresh (it may still be written): make it a minute old. */
    static void settled(Path p) throws java.io.IOException {
        java.nio.file.Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(60)));
    }

    static AddressMapping mapping(String extra) {
        MainCf cfg = config(extra);
        return new AddressMapping(new AddressMaps(AddressMapping.limits(cfg), MappingFixture::canonical,
                LOCAL::contains, "mail.example.com"), cfg);
    }
}
