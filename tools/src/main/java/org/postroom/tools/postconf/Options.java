package org.postroom.tools.postconf;

import java.nio.file.Path;
import java.util.List;
import org.postroom.tools.common.Spec;

/** Postconf's option fields by name, for its hand-built picocli model ({@link Spec}). */
final class Options implements Spec.Fields {
    private final Postconf p;

    Options(Postconf p) {
        this.p = p;
    }

    @Override
    public Object get(String field) {
        return switch (field) {
            case "saslServer" -> p.saslServer;
            case "saslClient" -> p.saslClient;
            case "bounceExpand" -> p.bounceExpand;
            case "configDir" -> p.configDir;
            case "paramClass" -> p.paramClass;
            case "defaults" -> p.defaults;
            case "edit" -> p.edit;
            case "ignoredE" -> p.ignoredE;
            case "fold" -> p.fold;
            case "fields" -> p.fields;
            case "hideName" -> p.hideName;
            case "hideValue" -> p.hideValue;
            case "locks" -> p.locks;
            case "maps" -> p.maps;
            case "master" -> p.master;
            case "nonDefault" -> p.nonDefault;
            case "overrides" -> p.overrides;
            case "mainParams" -> p.mainParams;
            case "masterParams" -> p.masterParams;
            case "quiet" -> p.quiet;
            case "bounceDump" -> p.bounceDump;
            case "tls" -> p.tls;
            case "verbose" -> p.verbose;
            case "eval" -> p.eval;
            case "exclude" -> p.exclude;
            case "commentOut" -> p.commentOut;
            case "names" -> p.names;
            default -> throw new IllegalArgumentException(field);
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public void set(String field, Object v) {
        switch (field) {
            case "saslServer" -> p.saslServer = (Boolean) v;
            case "saslClient" -> p.saslClient = (Boolean) v;
            case "bounceExpand" -> p.bounceExpand = (Boolean) v;
            case "configDir" -> p.configDir = (Path) v;
            case "paramClass" -> p.paramClass = (String) v;
            case "defaults" -> p.defaults = (Boolean) v;
            case "edit" -> p.edit = (Boolean) v;
            case "ignoredE" -> p.ignoredE = (Boolean) v;
            case "fold" -> p.fold = (Boolean) v;
            case "fields" -> p.fields = (Boolean) v;
            case "hideName" -> p.hideName = (Boolean) v;
            case "hideValue" -> p.hideValue = (Boolean) v;
            case "locks" -> p.locks = (Boolean) v;
            case "maps" -> p.maps = (Boolean) v;
            case "master" -> p.master = (Boolean) v;
            case "nonDefault" -> p.nonDefault = (Boolean) v;
            case "overrides" -> p.overrides = (List<String>) v;
            case "mainParams" -> p.mainParams = (Boolean) v;
            case "masterParams" -> p.masterParams = (Boolean) v;
            case "quiet" -> p.quiet = (Boolean) v;
            case "bounceDump" -> p.bounceDump = (Boolean) v;
            case "tls" -> p.tls = (String) v;
            case "verbose" -> p.verbose = (boolean[]) v;
            case "eval" -> p.eval = (Boolean) v;
            case "exclude" -> p.exclude = (Boolean) v;
            case "commentOut" -> p.commentOut = (Boolean) v;
            case "names" -> p.names = (List<String>) v;
            default -> throw new IllegalArgumentException(field);
        }
    }
}
