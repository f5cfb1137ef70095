package org.postroom.rewrite;

/** Splitting an internal-form address into local part and domain at the last '@'. */
final class Addresses {
    private Addresses() {}

    record Parts(String local, String domain) {
        boolean hasDomain() {
            return domain != null;
        }
    }

    static Parts split(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0) return new Parts(address, null);
        return new Parts(address.substring(0, at), address.substring(at + 1));
    }
}
