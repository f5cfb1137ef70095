package org.postroom.global.config;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Defaults Postfix computes from the host: myhostname, mydomain and mynetworks (mynetworks_style = host). */
final class HostDefaults {
    private HostDefaults() {}

    private static volatile String hostname;

    static String fill(String def) {
        if (def.equals("@HOSTNAME@")) return hostname();
        if (def.equals("@DOMAIN@")) {
            String h = hostname();
            int dot = h.indexOf('.');
            return dot < 0 ? "localdomain" : h.substring(dot + 1);
        }
        if (def.equals("@MYNETWORKS@")) return mynetworks();
        return def;
    }

    static String hostname() {
        String h = hostname;
        if (h == null) {
            try {
                h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            } catch (IOException e) {
                h = "localhost";
            }
            if (h.isEmpty()) h = "localhost";
            if (h.indexOf('.') < 0) h = h + ".localdomain";
            hostname = h;
        }
        return h;
    }

    private static String mynetworks() {
        List<String> nets = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                    String s = a.getHostAddress();
                    int pct = s.indexOf('%');
                    if (pct >= 0) s = s.substring(0, pct);
                    nets.add(a instanceof Inet6Address ? "[" + s + "]/128" : s + "/32");
                }
            }
        } catch (SocketException e) {
            nets.add("127.0.0.1/32");
        }
        nets.sort((x, y) -> Boolean.compare(x.startsWith("["), y.startsWith("[")));
        return String.join(" ", nets);
    }
}
