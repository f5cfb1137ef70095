package org.postroom.virtual;

/** The owner of a virtual mailbox: uid and gid from virtual_uid_maps and virtual_gid_maps. */
record Owner(int uid, int gid) {}
