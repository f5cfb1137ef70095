package org.postroom.tools.common;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A tool's picocli command model, built by hand: the options, types, arities and labels that
 * {@code @Option} and {@code @Parameters} on its fields would give, bound to those fields through the
 * tool's {@link Fields} switch, with the fields' values at build time as initial values. Picocli's annotation reader costs a tool about 50 ms at start-up
 * (annotation proxies, reflection and method handles are classes made at run time, which the AOT cache
 * cannot hold); this model needs none of them. Labels are {@code <field>}, as picocli derives them, since
 * they appear in its error messages.
 */
public final class Spec {
    /** Reads and writes the field behind an option, by field name. */
    public interface Fields {
        Object get(String field);

        void set(String field, Object value);
    }

    /**
     * What picocli's default factory makes, without it: the collections behind multi-valued options
     * (ArrayList, LinkedHashSet, TreeSet, LinkedList, LinkedHashMap, TreeMap, as picocli chooses them) and
     * other classes through their no-argument constructor. Picocli's own factory looks for Groovy when it is
     * set up, opening every jar on the class path (~3 ms at start-up).
     */
    public static final CommandLine.IFactory FACTORY = new CommandLine.IFactory() {
        @Override
        @SuppressWarnings("unchecked")
        public <K> K create(Class<K> cls) throws Exception {
            if (cls.isInterface()) {
                if (SortedSet.class.isAssignableFrom(cls)) return (K) new TreeSet<>();
                if (Set.class.isAssignableFrom(cls)) return (K) new LinkedHashSet<>();
                if (Queue.class.isAssignableFrom(cls)) return (K) new LinkedList<>();
                if (Collection.class.isAssignableFrom(cls)) return (K) new ArrayList<>();
                if (SortedMap.class.isAssignableFrom(cls)) return (K) new TreeMap<>();
                if (Map.class.isAssignableFrom(cls)) return (K) new LinkedHashMap<>();
            }
            return cls.getDeclaredConstructor().newInstance();
        }
    };

    /**
     * Path arguments exactly as picocli's built-in converter makes them ({@code Paths.get} called through
     * reflection, whose method handles are made at run time), without the reflection.
     */
    public static final CommandLine.ITypeConverter<Path> PATH = new CommandLine.ITypeConverter<Path>() {
        @Override
        public Path convert(String value) {
            try {
                return Path.of(value);
            } catch (RuntimeException e) {
                throw new CommandLine.TypeConversionException(String.format("cannot convert '%s' to %s (%s)", value, Path.class, e));
            }
        }
    };

    private final CommandSpec spec;
    private final Fields fields;

    public Spec(String name, Object tool, Fields fields) {
        this.spec = CommandSpec.wrapWithoutInspection(tool, FACTORY).name(name);
        this.fields = fields;
    }

    /** {@code boolean field}: arity 0. */
    public Spec flag(String field, String... names) {
        return option(field, boolean.class, boolean.class, "0", names);
    }

    /** {@code boolean[] field}: arity 0, one element per occurrence. */
    public Spec flags(String field, String... names) {
        return option(field, boolean[].class, boolean.class, "0", names);
    }

    /** {@code T field} with one argument. */
    public Spec value(String field, Class<?> type, String... names) {
        return option(field, type, type, "1", names);
    }

    /** {@code List<T> field}: one argument per occurrence. */
    public Spec list(String field, Class<?> element, String... names) {
        return option(field, List.class, element, "1", names);
    }

    /** {@code List<Boolean> field}: arity 0, one element per occurrence. */
    public Spec flagList(String field, String... names) {
        return option(field, List.class, Boolean.class, "0", names);
    }

    /** {@code @Parameters List<String> field}. */
    public Spec positionals(String field) {
        Binding b = new Binding(fields, field);
        spec.addPositional(PositionalParamSpec.builder().index("0..*").arity("0..1").type(List.class).auxiliaryTypes(String.class)
                .paramLabel("<" + field + ">").hasInitialValue(true).initialValue(b.get()).getter(b).setter(b).build());
        return this;
    }

    public CommandSpec build() {
        return spec;
    }

    private Spec option(String field, Class<?> type, Class<?> aux, String arity, String... names) {
        Binding b = new Binding(fields, field);
        spec.addOption(OptionSpec.builder(names).type(type).auxiliaryTypes(aux).arity(arity).paramLabel("<" + field + ">")
                .hasInitialValue(true).initialValue(b.get()).getter(b).setter(b).build());
        return this;
    }

    /** One field of a tool as picocli's getter and setter. */
    private static final class Binding implements IGetter, ISetter {
        private final Fields fields;
        private final String field;

        Binding(Fields fields, String field) {
            this.fields = fields;
            this.field = field;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) fields.get(field);
        }

        @Override
        public <T> T set(T value) {
            T old = get();
            fields.set(field, value);
            return old;
        }
    }
}
