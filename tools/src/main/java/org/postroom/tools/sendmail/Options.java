package org.postroom.tools.sendmail;

import java.util.List;
import org.postroom.tools.common.Spec;

/** Sendmail's option fields by name, for its hand-built picocli model ({@link Spec}). */
final class Options implements Spec.Fields {
    private final Sendmail s;

    Options(Sendmail s) {
        this.s = s;
    }

    @Override
    public Object get(String field) {
        return switch (field) {
            case "extract" -> s.extract;
            case "ignoreDots" -> s.ignoreDots;
            case "sender" -> s.sender;
            case "fullName" -> s.fullName;
            case "modes" -> s.modes;
            case "configPath" -> s.configPath;
            case "queueOption" -> s.queueOption;
            case "bodyType" -> s.bodyType;
            case "notify" -> s.notify;
            case "envid" -> s.envid;
            case "xOption" -> s.xOption;
            case "oOptions" -> s.oOptions;
            case "gateway" -> s.gateway;
            case "newaliases" -> s.newaliases;
            case "verbose" -> s.verbose;
            case "ignoredValues" -> s.ignoredValues;
            case "ignoredFlags" -> s.ignoredFlags;
            case "recipients" -> s.recipients;
            default -> throw new IllegalArgumentException(field);
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public void set(String field, Object v) {
        switch (field) {
            case "extract" -> s.extract = (Boolean) v;
            case "ignoreDots" -> s.ignoreDots = (Boolean) v;
            case "sender" -> s.sender = (String) v;
            case "fullName" -> s.fullName = (String) v;
            case "modes" -> s.modes = (List<String>) v;
            case "configPath" -> s.configPath = (String) v;
            case "queueOption" -> s.queueOption = (String) v;
            case "bodyType" -> s.bodyType = (String) v;
            case "notify" -> s.notify = (String) v;
            case "envid" -> s.envid = (String) v;
            case "xOption" -> s.xOption = (String) v;
            case "oOptions" -> s.oOptions = (List<String>) v;
            case "gateway" -> s.gateway = (Boolean) v;
            case "newaliases" -> s.newaliases = (Boolean) v;
            case "verbose" -> s.verbose = (boolean[]) v;
            case "ignoredValues" -> s.ignoredValues = (List<String>) v;
            case "ignoredFlags" -> s.ignoredFlags = (List<Boolean>) v;
            case "recipients" -> s.recipients = (List<String>) v;
            default -> throw new IllegalArgumentException(field);
        }
    }
}
