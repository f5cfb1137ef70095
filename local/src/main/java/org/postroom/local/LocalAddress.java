package org.postroom.local;

import java.util.Locale;

/**
 * A recipient as local(8) sees it: the full address, the lower-cased local part, the user name and the
 * address extension split off at the first recipient_delimiter character, and the domain.
 *
 * @param extension null when the address has none
 */
record LocalAddress(String address, String local, String user, String extension, String domain) {

    static LocalAddress parse(String address, String delimiters) {
        int at = address.lastIndexOf('@');
        String localPart = at < 0 ? address : address.substring(0, at);
        String domain = at < 0 ? "" : address.substring(at + 1);
        String local = localPart.toLowerCase(Locale.ROOT);
        String user = local;
        String extension = null;
        int split = splitPoint(local, delimiters);
        if (split >= 0) {
            String ext = local.substring(split + 1);
            if (ext.indexOf('/') >= 0) {
                // split_addr: an extension with '/' is dropped, never used in a path
                local = local.substring(0, split);
            } else {
                extension = ext;
            }
            user = local.substring(0, split);
        }
        return new LocalAddress(address, local, user, extension, domain);
    }

    /** Where the extension starts (split_addr), or -1; owner-x and x-request are never split at '-'. */
    private static int splitPoint(String local, String delimiters) {
        if (delimiters.isEmpty()) return -1;
        for (int i = 1; i < local.length(); i++) {
            char c = local.charAt(i);
            if (delimiters.indexOf(c) < 0) continue;
            if (c == '-' && (local.startsWith("owner-") || local.endsWith("-request"))) continue;
            return i;
        }
        return -1;
    }

    /** The delimiter and extension as they appear in the address ("+ext"), or null. */
    String unmatched() {
        return extension == null ? null : local.substring(user.length());
    }

    /** The address with {@code suffix} ("+ext") spliced in before the domain. */
    static String withExtension(String address, String suffix) {
        int at = address.lastIndexOf('@');
        if (at < 0) return address + suffix;
        return address.substring(0, at) + suffix + address.substring(at);
    }
}
