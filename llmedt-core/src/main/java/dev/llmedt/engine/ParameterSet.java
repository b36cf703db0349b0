package dev.llmedt.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/** The ordered, named parameters of a model. */
public final class ParameterSet {

    private final List<Parameter> list = new ArrayList<>();
    private final List<Parameter> view = Collections.unmodifiableList(list);
    private final Map<String, Parameter> byName = new LinkedHashMap<>();

    /** Adds a parameter and returns it; names must be unique. */
    public Parameter add(Parameter p) {
        if (byName.putIfAbsent(p.name(), p) != null) {
            throw new IllegalArgumentException("duplicate parameter name " + p.name());
        }
        list.add(p);
        return p;
    }

    /** Returns the parameters in the order they were added. */
    public List<Parameter> list() {
        return view;
    }

    /** Returns the number of parameters. */
    public int count() {
        return list.size();
    }

    /** Returns the index of a parameter in {@link #list()}. */
    public int indexOf(Parameter p) {
        int i = list.indexOf(p);
        if (i < 0) {
            throw new NoSuchElementException("parameter " + p.name() + " is not in this set");
        }
        return i;
    }

    /** Returns whether a parameter has the name. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** Returns the parameter with a name. */
    public Parameter get(String name) {
        Parameter p = byName.get(name);
        if (p == null) {
            throw new NoSuchElementException("no parameter named " + name + "; parameters are " + byName.keySet());
        }
        return p;
    }

    /** Returns the total number of elements. */
    public long size() {
        long n = 0;
        for (Parameter p : list) {
            n += p.size();
        }
        return n;
    }

    /** Copies every parameter's values from another set with the same names and shapes. */
    public void copyFrom(ParameterSet other) {
        for (Parameter p : list) {
            p.copyFrom(other.get(p.name()));
        }
    }
}
