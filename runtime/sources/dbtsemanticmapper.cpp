#include "sources/dbtsemanticmapper.h"

#include "project/yamldocument.h"
#include "project/yamleditor.h"
#include "project/yamlvalue.h"
#include "semantic/sourcefilename.h"
#include "sources/dbtproject.h"
#include "wiki/wikipage.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <optional>

namespace ktx {

namespace {

const QString kDbt = QStringLiteral("dbt");

// A warehouse source the dbt project can attach to: a standalone file with
// `table:`, or a `_schema/` manifest entry (with its overlay file when one exists).
struct Target
{
    QString sourceName;
    QString schema; // from the table reference; empty when the reference has none
    QString table;
    QString path; // the file to merge into; empty for a manifest entry without overlay
    bool overlay = false;
    QStringList columns; // the warehouse's column names
    QStringList grain;
};

QString unquote(QString part)
{
    part = part.trimmed();
    if (part.size() >= 2
        && ((part.startsWith(QLatin1Char('"')) && part.endsWith(QLatin1Char('"')))
            || (part.startsWith(QLatin1Char('`')) && part.endsWith(QLatin1Char('`')))
            || (part.startsWith(QLatin1Char('[')) && part.endsWith(QLatin1Char(']')))))
        return part.mid(1, part.size() - 2);
    return part;
}

void splitTable(const QString &reference, QString &schema, QString &table)
{
    const QStringList parts = reference.split(QLatin1Char('.'));
    table = unquote(parts.last());
    schema = parts.size() >= 2 ? unquote(parts.at(parts.size() - 2)) : QString();
}

QStringList columnNames(const YamlNode *list)
{
    QStringList names;
    if (!list || !list->isSequence())
        return names;
    for (const YamlNode &c : list->items)
        if (const YamlNode *n = c.isMapping() ? c.find(u"name") : nullptr)
            names << n->text;
    return names;
}

QStringList scalarList(const YamlNode *list)
{
    QStringList out;
    if (list && list->isSequence())
        for (const YamlNode &i : list->items)
            out << i.text;
    return out;
}

// YAML text -> YamlValue with the scalar types YAML 1.2 gives them, so a list
// rebuilt from a file renders the same values back.
YamlValue toValue(const YamlNode &node)
{
    switch (node.kind) {
    case YamlNode::Kind::Scalar: {
        if (node.scalarStyle != YamlNode::ScalarStyle::Plain)
            return YamlValue::string(node.text);
        if (node.isNull())
            return YamlValue::null();
        const QString &t = node.text;
        if (t == QLatin1String("true") || t == QLatin1String("false"))
            return YamlValue::boolean(t == QLatin1String("true"));
        static const QRegularExpression integer(QStringLiteral("^[-+]?[0-9]+$"));
        if (integer.match(t).hasMatch()) {
            bool ok = false;
            const qint64 v = t.toLongLong(&ok);
            if (ok && QString::number(v) == t)
                return YamlValue::integer(v);
        }
        return YamlValue::string(t);
    }
    case YamlNode::Kind::Alias:
        return YamlValue::string(node.text);
    case YamlNode::Kind::Sequence: {
        YamlValue list = YamlValue::list();
        for (const YamlNode &item : node.items)
            list.append(toValue(item));
        return list;
    }
    case YamlNode::Kind::Mapping: {
        YamlValue map = YamlValue::mapping();
        for (const YamlEntry &e : node.entries)
            map.insert(e.key.text, toValue(e.value));
        return map;
    }
    }
    return YamlValue::null();
}

// JSON (dbt kwargs, freshness) -> YamlValue; object keys come sorted, so the
// output is deterministic.
YamlValue toValue(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return YamlValue::boolean(value.toBool());
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (std::floor(d) == d && std::fabs(d) < 9007199254740992.0)
            return YamlValue::integer(qint64(d));
        return YamlValue::number(d);
    }
    case QJsonValue::String:
        return YamlValue::string(value.toString());
    case QJsonValue::Array: {
        YamlValue list = YamlValue::list();
        for (const QJsonValue &v : value.toArray())
            list.append(toValue(v));
        return list;
    }
    case QJsonValue::Object: {
        YamlValue map = YamlValue::mapping();
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            map.insert(it.key(), toValue(it.value()));
        return map;
    }
    default:
        return YamlValue::null();
    }
}

QJsonValue toJson(const YamlValue &v)
{
    switch (v.type()) {
    case YamlValue::Type::Mapping: {
        QJsonArray entries; // ordered: a reordering is a change worth writing
        for (const auto &[k, c] : v.entries())
            entries.append(QJsonArray {k, toJson(c)});
        return QJsonObject {{QStringLiteral("m"), entries}};
    }
    case YamlValue::Type::List: {
        QJsonArray items;
        for (const YamlValue &i : v.items())
            items.append(toJson(i));
        return items;
    }
    default:
        return QString(QString::number(int(v.type())) + QLatin1Char(':') + v.scalarText());
    }
}

bool sameValue(const YamlValue &a, const YamlValue &b)
{
    return toJson(a) == toJson(b);
}

const YamlValue *entryOf(const YamlValue &map, const QString &key)
{
    for (const auto &[k, v] : map.entries())
        if (k == key)
            return &v;
    return nullptr;
}

// Sets `origin` inside the mapping at `key` of `map`, keeping the other origins.
void setOrigin(YamlValue &map, const QString &key, const YamlValue &value)
{
    YamlValue inner = YamlValue::mapping();
    if (const YamlValue *existing = entryOf(map, key); existing && !existing->isScalar())
        inner = *existing;
    inner.insert(kDbt, value);
    map.insert(key, inner);
}

// A relationships `to:` argument: ref('model'), ref("pkg", "model") or source('s', 't').
struct RelationTarget
{
    bool source = false;
    QString first; // model name, or source name
    QString second; // source table name
};

std::optional<RelationTarget> parseRelationTarget(const QString &to)
{
    static const QRegularExpression ref(
        QStringLiteral("^\\s*ref\\(\\s*(?:['\"][^'\"]+['\"]\\s*,\\s*)?['\"]([^'\"]+)['\"]\\s*(?:,[^"
                       ")]*)?\\)\\s*$"));
    static const QRegularExpression src(QStringLiteral(
        "^\\s*source\\(\\s*['\"]([^'\"]+)['\"]\\s*,\\s*['\"]([^'\"]+)['\"]\\s*\\)\\s*$"));
    if (const auto m = ref.match(to); m.hasMatch())
        return RelationTarget {false, m.captured(1), {}};
    if (const auto m = src.match(to); m.hasMatch())
        return RelationTarget {true, m.captured(1), m.captured(2)};
    return std::nullopt;
}

QString nodeLabel(const DbtNode &n)
{
    return n.kind == DbtNode::Kind::Model
        ? QStringLiteral("model %1").arg(n.name)
        : QStringLiteral("source %1.%2").arg(n.sourceName, n.name);
}

bool hasTest(const DbtColumn &c, const QString &name)
{
    return std::any_of(c.tests.cbegin(), c.tests.cend(),
                       [&](const DbtTest &t) { return t.package == kDbt && t.name == name; });
}

QString matchColumn(const QStringList &columns, const QString &name)
{
    for (const QString &c : columns)
        if (c.compare(name, Qt::CaseInsensitive) == 0)
            return c;
    return {};
}

// Which warehouse source each model or source table of a project attaches to.
struct Attachment
{
    QHash<const DbtNode *, int> attached; // node -> target index
    QMap<int, const DbtNode *> owner; // target index -> the node that describes it
    QList<QPair<const DbtNode *, QString>> unmapped; // node, why
    QList<SkippedItem> skipped;
};

Attachment attach(const DbtProject &project, const QList<Target> &targets,
                  const QString &warehouseConnectionId)
{
    Attachment a;
    QList<const DbtNode *> nodes;
    for (const DbtNode &m : project.models)
        nodes << &m;
    for (const DbtNode &s : project.sources)
        nodes << &s;
    for (const DbtNode *n : std::as_const(nodes)) {
        QList<int> byName;
        for (int i = 0; i < targets.size(); ++i)
            if (targets[i].table.compare(n->alias, Qt::CaseInsensitive) == 0)
                byName << i;
        QList<int> candidates;
        if (!n->schema.isEmpty()) {
            for (int i : std::as_const(byName))
                if (targets[i].schema.compare(n->schema, Qt::CaseInsensitive) == 0)
                    candidates << i;
            // A reference without a schema is the connection's default schema
            // (SQLite main, a search_path table): the name alone decides then.
            if (candidates.isEmpty())
                for (int i : std::as_const(byName))
                    if (targets[i].schema.isEmpty())
                        candidates << i;
        } else if (!n->customSchema.isEmpty()) {
            // No manifest and no profile: dbt's default names the schema
            // <target>_<custom>, or <custom> with a custom generate_schema_name.
            for (int i : std::as_const(byName)) {
                const QString &s = targets[i].schema;
                if (s.compare(n->customSchema, Qt::CaseInsensitive) == 0
                    || s.endsWith(QLatin1Char('_') + n->customSchema, Qt::CaseInsensitive))
                    candidates << i;
            }
            if (candidates.isEmpty() && byName.size() == 1)
                candidates = byName;
        } else {
            candidates = byName;
        }
        const QString relation
            = n->schema.isEmpty() ? n->alias : n->schema + QLatin1Char('.') + n->alias;
        if (candidates.isEmpty()) {
            a.unmapped << qMakePair(n,
                                    QStringLiteral("no table %1 in warehouse connection %2")
                                        .arg(relation, warehouseConnectionId));
            continue;
        }
        if (candidates.size() > 1) {
            QStringList names;
            for (int i : std::as_const(candidates))
                names << targets[i].sourceName;
            a.unmapped << qMakePair(n,
                                    QStringLiteral("%1 matches several warehouse tables (%2); "
                                                   "set the model's schema or run dbt compile "
                                                   "so target/manifest.json names it")
                                        .arg(relation, names.join(QStringLiteral(", "))));
            continue;
        }
        const int index = candidates.first();
        if (const DbtNode *first = a.owner.value(index)) {
            a.skipped << SkippedItem {
                nodeLabel(*n),
                QStringLiteral("builds the same table as %1, which already describes it")
                    .arg(nodeLabel(*first)),
                n->path, n->line};
            continue;
        }
        a.owner.insert(index, n);
        a.attached.insert(n, index);
    }
    return a;
}

using OriginFacts = QList<std::pair<QString, YamlValue>>; // key -> the value under `dbt`

// What dbt states about one warehouse source, as it is written in the file.
struct Derived
{
    const DbtNode *node = nullptr;
    OriginFacts source; // descriptions, tags, freshness
    QHash<QString, OriginFacts> columns; // lower-case warehouse column -> its facts
    QStringList columnOrder; // warehouse spelling, in the node's column order
    QList<YamlValue> joins; // to, on, relationship
    QStringList grain;
};

const YamlValue *factOf(const OriginFacts &facts, const QString &key)
{
    for (const auto &[k, v] : facts)
        if (k == key)
            return &v;
    return nullptr;
}

// `skipped` is null for the previous sync: only what dbt derived matters then.
Derived derive(const DbtNode &node, const Target &target, const QList<Target> &targets,
               const DbtProject &project, const Attachment &attachment, QList<SkippedItem> *skipped)
{
    Derived d;
    d.node = &node;
    const auto skip = [&](const QString &item, const QString &why) {
        if (skipped)
            *skipped << SkippedItem {item, why, node.path, node.line};
    };
    if (!node.description.isEmpty())
        d.source.append({QStringLiteral("descriptions"), YamlValue::string(node.description)});
    if (!target.overlay) {
        if (!node.tags.isEmpty())
            d.source.append({QStringLiteral("tags"), YamlValue::stringList(node.tags)});
        if (!node.freshness.isEmpty()) {
            QJsonObject freshness = node.freshness;
            if (!node.loadedAtField.isEmpty())
                freshness.insert(QStringLiteral("loaded_at_field"), node.loadedAtField);
            d.source.append({QStringLiteral("freshness"), toValue(QJsonValue(freshness))});
        }
    }

    for (const DbtColumn &c : node.columns) {
        const QString name = matchColumn(target.columns, c.name);
        if (name.isEmpty()) {
            skip(QStringLiteral("column %1.%2").arg(node.name, c.name),
                 QStringLiteral("not a column of %1 in the warehouse").arg(target.sourceName));
            continue;
        }
        OriginFacts facts;
        if (!c.description.isEmpty())
            facts.append({QStringLiteral("descriptions"), YamlValue::string(c.description)});
        YamlValue constraints = YamlValue::mapping();
        if (hasTest(c, QStringLiteral("not_null")))
            constraints.insert(QStringLiteral("not_null"), YamlValue::boolean(true));
        if (hasTest(c, QStringLiteral("unique")))
            constraints.insert(QStringLiteral("unique"), YamlValue::boolean(true));
        if (!constraints.entries().empty())
            facts.append({QStringLiteral("constraints"), constraints});
        for (const DbtTest &t : c.tests) {
            if (t.package != kDbt || t.name != QLatin1String("accepted_values"))
                continue;
            const QJsonValue values = t.kwargs.value(QStringLiteral("values"));
            if (values.isArray()) {
                facts.append({QStringLiteral("enum_values"), toValue(values)});
            } else {
                skip(QStringLiteral("accepted_values of %1.%2").arg(node.name, c.name),
                     QStringLiteral("the values are Jinja (%1), not a list; the test is kept "
                                    "under tests.dbt")
                         .arg(values.toString()));
            }
            break;
        }
        if (!c.tests.isEmpty()) {
            YamlValue tests = YamlValue::list();
            for (const DbtTest &t : c.tests) {
                QJsonObject kwargs = t.kwargs;
                kwargs.remove(QStringLiteral("column_name"));
                YamlValue test = YamlValue::mapping();
                test.insert(QStringLiteral("name"), YamlValue::string(t.name));
                test.insert(QStringLiteral("package"), YamlValue::string(t.package));
                test.insert(QStringLiteral("kwargs"), toValue(QJsonValue(kwargs)));
                tests.append(test);
            }
            facts.append({QStringLiteral("tests"), tests});
        }
        if (!d.columns.contains(name.toLower()))
            d.columnOrder << name;
        d.columns.insert(name.toLower(), facts);

        // Joins from relationships tests.
        for (const DbtTest &t : c.tests) {
            if (t.package != kDbt || t.name != QLatin1String("relationships"))
                continue;
            const QString to = t.kwargs.value(QStringLiteral("to")).toString();
            const auto rel = parseRelationTarget(to);
            const DbtNode *related = !rel ? nullptr
                : rel->source             ? project.source(rel->first, rel->second)
                                          : project.model(rel->first);
            if (!related || !attachment.attached.contains(related)) {
                skip(QStringLiteral("relationship %1.%2 -> %3").arg(node.name, c.name, to),
                     QStringLiteral("the related model or source maps to no warehouse table"));
                continue;
            }
            const Target &other = targets[attachment.attached.value(related)];
            QString field = t.kwargs.value(QStringLiteral("field")).toString();
            if (const QString f = matchColumn(other.columns, field); !f.isEmpty())
                field = f;
            YamlValue join = YamlValue::mapping();
            join.insert(QStringLiteral("to"), YamlValue::string(other.sourceName));
            join.insert(
                QStringLiteral("on"),
                YamlValue::string(QStringLiteral("%1 = %2.%3").arg(name, other.sourceName, field)));
            join.insert(QStringLiteral("relationship"),
                        YamlValue::string(hasTest(c, QStringLiteral("unique"))
                                              ? QStringLiteral("one_to_one")
                                              : QStringLiteral("many_to_one")));
            d.joins << join;
        }
    }

    // Grain: a single unique column (or dbt_utils' unique combination).
    for (const DbtTest &t : node.tests)
        if (t.name == QLatin1String("unique_combination_of_columns")) {
            for (const QJsonValue &v :
                 t.kwargs.value(QStringLiteral("combination_of_columns")).toArray())
                d.grain << matchColumn(target.columns, v.toString());
            if (d.grain.contains(QString()))
                d.grain.clear();
            break;
        }
    if (d.grain.isEmpty())
        for (const DbtColumn &c : node.columns)
            if (hasTest(c, QStringLiteral("unique"))
                && !matchColumn(target.columns, c.name).isEmpty()) {
                d.grain << matchColumn(target.columns, c.name);
                break;
            }
    return d;
}

// The mapping `map` without `key`.
YamlValue without(const YamlValue &map, const QString &key)
{
    YamlValue out = YamlValue::mapping();
    for (const auto &[k, v] : map.entries())
        if (k != key)
            out.insert(k, v);
    return out;
}

QString scalarOf(const YamlValue &map, const QString &key)
{
    const YamlValue *v = entryOf(map, key);
    return v ? v->scalarText() : QString();
}

} // namespace

DbtSemanticMapper::DbtSemanticMapper(const DbtProject &project, const ContextSourceInput &input)
    : m_project(project)
    , m_input(input)
{ }

void DbtSemanticMapper::map(ContextSourceExtraction &out) const
{
    ContextSourceReport &report = out.report;
    const QString prefix = QStringLiteral("semantic-layer/%1/").arg(m_input.warehouseConnectionId);

    // 1. What the warehouse layer holds.
    QList<Target> targets;
    QStringList overlays; // overlay files (no table, no sql)
    QHash<QString, YamlDocument> parsed; // source files, parsed once
    for (auto it = m_input.baseFiles.cbegin(); it != m_input.baseFiles.cend(); ++it) {
        const QString &path = it.key();
        if (!path.startsWith(prefix)
            || !(path.endsWith(QLatin1String(".yaml")) || path.endsWith(QLatin1String(".yml"))))
            continue;
        auto doc = YamlDocument::parse(it.value(), path);
        if (!doc || !doc->root() || !doc->root()->isMapping())
            continue; // broken files are the validator's to report; we leave them alone
        const YamlNode *r = doc->root();
        if (path.mid(prefix.size()).startsWith(QLatin1String("_schema/"))) {
            const YamlNode *tables = r->find(u"tables");
            if (!tables || !tables->isMapping())
                continue;
            for (const YamlEntry &e : tables->entries) {
                Target t;
                t.sourceName = e.key.text;
                const YamlNode *table = e.value.isMapping() ? e.value.find(u"table") : nullptr;
                splitTable(table && !table->isNull() ? table->text : e.key.text, t.schema, t.table);
                t.overlay = true;
                t.columns = columnNames(e.value.isMapping() ? e.value.find(u"columns") : nullptr);
                targets << t;
            }
            continue;
        }
        const YamlNode *table = r->find(u"table");
        const YamlNode *sql = r->find(u"sql");
        const YamlNode *name = r->find(u"name");
        if (!name || name->text.isEmpty())
            continue;
        if (table && !table->isNull()) {
            Target t;
            t.sourceName = name->text;
            splitTable(table->text, t.schema, t.table);
            t.path = path;
            t.columns = columnNames(r->find(u"columns"));
            t.grain = scalarList(r->find(u"grain"));
            targets << t;
            parsed.insert(path, std::move(doc).value());
        } else if (!sql) {
            overlays << path;
            parsed.insert(path, std::move(doc).value());
        }
    }
    // Overlays compose onto their manifest entry the way SourceLoader finds it.
    for (const QString &path : std::as_const(overlays)) {
        const YamlDocument &doc = *parsed.constFind(path);
        const QString name = doc.root()->find(u"name")->text;
        auto it = std::find_if(targets.begin(), targets.end(), [&](const Target &t) {
            return t.overlay && t.path.isEmpty() && t.sourceName == name;
        });
        if (it == targets.end())
            it = std::find_if(targets.begin(), targets.end(), [&](const Target &t) {
                return t.overlay && t.path.isEmpty()
                    && t.sourceName.endsWith(QLatin1Char('.') + name);
            });
        if (it == targets.end())
            continue;
        it->path = path;
        it->sourceName = name; // the overlay's name is what joins refer to
        it->grain = scalarList(doc.root()->find(u"grain"));
    }
    for (Target &t : targets)
        if (t.path.isEmpty())
            t.path = prefix + SourceFileName::forSource(t.sourceName);

    // 2. Attach every model and source table to the table it builds or reads;
    // the previous sync's project the same way, to know what dbt said last time.
    const Attachment now = attach(m_project, targets, m_input.warehouseConnectionId);
    report.skipped << now.skipped;
    const QList<QPair<const DbtNode *, QString>> &unmapped = now.unmapped;
    std::optional<DbtProject> previousProject;
    if (!m_input.previousFiles.isEmpty())
        if (auto p = DbtProject::fromFiles(m_input.previousFiles); p.ok())
            previousProject = std::move(p).value();
    Attachment before;
    if (previousProject)
        before = attach(*previousProject, targets, m_input.warehouseConnectionId);

    // 3. Merge each attached node into its source file, and take back what dbt
    // derived last time and no longer states.
    QList<int> order = now.owner.keys();
    for (int index : before.owner.keys())
        if (!now.owner.contains(index))
            order << index;
    std::sort(order.begin(), order.end(),
              [&](int a, int b) { return targets[a].path < targets[b].path; });
    for (int index : std::as_const(order)) {
        const Target &target = targets[index];
        std::optional<Derived> cur, prev;
        if (const DbtNode *n = now.owner.value(index))
            cur = derive(*n, target, targets, m_project, now, &report.skipped);
        if (const DbtNode *n = before.owner.value(index))
            prev = derive(*n, target, targets, *previousProject, before, nullptr);
        const DbtNode &node = *(cur ? cur->node : prev->node);
        const QByteArray beforeBytes = m_input.baseFiles.value(target.path);
        const bool exists = m_input.baseFiles.contains(target.path);
        if (!cur && !exists)
            continue; // nothing written before, nothing to take back
        const QString columnsKey
            = target.overlay ? QStringLiteral("column_overrides") : QStringLiteral("columns");

        const YamlDocument *doc = nullptr;
        if (exists) {
            const auto found = parsed.constFind(target.path);
            if (found == parsed.cend()) {
                if (cur)
                    report.skipped << SkippedItem {nodeLabel(node),
                                                   QStringLiteral("%1 is not valid YAML; fix it "
                                                                  "and ingest again")
                                                       .arg(target.path),
                                                   node.path, node.line};
                continue;
            }
            doc = &*found;
        }
        const YamlNode *root = doc ? doc->root() : nullptr;
        // dbt no longer states `key`: drop its `dbt` value when that is still exactly
        // what dbt wrote last time; a different value is someone's edit and stays.
        const auto takeBack = [&](const QString &what, const YamlValue &current,
                                  const YamlValue &derived) {
            if (sameValue(current, derived))
                return true;
            report.skipped << SkippedItem {
                what,
                QStringLiteral("dbt no longer states it, but %1 holds a value that differs from "
                               "what dbt derived last time (edited by hand?), so it is kept")
                    .arg(target.path),
                node.path, node.line};
            return false;
        };

        // Columns: the dbt facts per warehouse column.
        YamlValue columnList
            = root && root->find(columnsKey) ? toValue(*root->find(columnsKey)) : YamlValue::list();
        if (columnList.type() != YamlValue::Type::List)
            columnList = YamlValue::list();
        const auto factsFor = [&](YamlValue entry, const QString &column) {
            const OriginFacts *nowFacts = nullptr;
            if (cur)
                if (auto it = cur->columns.constFind(column.toLower()); it != cur->columns.cend())
                    nowFacts = &*it;
            if (nowFacts)
                for (const auto &[key, value] : *nowFacts)
                    setOrigin(entry, key, value);
            if (!prev)
                return entry;
            const auto was = prev->columns.constFind(column.toLower());
            if (was == prev->columns.cend())
                return entry;
            for (const auto &[key, value] : *was) {
                if (nowFacts && factOf(*nowFacts, key))
                    continue;
                const YamlValue *origins = entryOf(entry, key);
                const YamlValue *current = origins && origins->type() == YamlValue::Type::Mapping
                    ? entryOf(*origins, kDbt)
                    : nullptr;
                if (!current
                    || !takeBack(QStringLiteral("%1 of %2.%3").arg(key, node.name, column),
                                 *current, value))
                    continue;
                const YamlValue rest = without(*origins, kDbt);
                entry = rest.entries().empty() ? without(entry, key) : [&] {
                    YamlValue e = entry;
                    e.insert(key, rest);
                    return e;
                }();
            }
            return entry;
        };
        YamlValue newColumns = YamlValue::list();
        QStringList touched = cur ? cur->columnOrder : QStringList();
        for (const YamlValue &entry : columnList.items()) {
            const QString name = entry.type() == YamlValue::Type::Mapping
                ? scalarOf(entry, QStringLiteral("name"))
                : QString();
            if (name.isEmpty()) {
                newColumns.append(entry);
                continue;
            }
            const YamlValue updated = factsFor(entry, name);
            // An override that held only dbt's facts goes with them.
            if (target.overlay && updated.entries().size() == 1 && entry.entries().size() > 1)
                continue;
            newColumns.append(updated);
            touched.removeIf(
                [&](const QString &t) { return t.compare(name, Qt::CaseInsensitive) == 0; });
        }
        // Overlays gain an override per described column the file does not list yet.
        if (target.overlay && cur) {
            for (const QString &name : target.columns) {
                if (!touched.contains(name))
                    continue;
                YamlValue entry = YamlValue::mapping();
                entry.insert(QStringLiteral("name"), YamlValue::string(name));
                const YamlValue merged = factsFor(entry, name);
                if (merged.entries().size() > 1)
                    newColumns.append(merged);
            }
        }

        // Grain: dbt's when the source has none, or only the every-column
        // fallback the scan writes for tables without a primary key.
        const QStringList grain = cur ? cur->grain : QStringList();
        const bool fallbackGrain = !target.grain.isEmpty() && target.grain == target.columns
            && target.columns.size() > 1;
        const bool setGrain = !grain.isEmpty() && (target.grain.isEmpty() || fallbackGrain)
            && grain != target.grain;

        // Joins from relationships tests.
        YamlValue joinList
            = root && root->find(u"joins") ? toValue(*root->find(u"joins")) : YamlValue::list();
        if (joinList.type() != YamlValue::Type::List)
            joinList = YamlValue::list();
        const auto norm = [&](QString s) {
            s.remove(QLatin1Char(' '));
            s.remove(target.sourceName + QLatin1Char('.'));
            return s.toLower();
        };
        const auto sameJoin = [&](const YamlValue &a, const YamlValue &b) {
            return scalarOf(a, QStringLiteral("to")) == scalarOf(b, QStringLiteral("to"))
                && norm(scalarOf(a, QStringLiteral("on")))
                == norm(scalarOf(b, QStringLiteral("on")));
        };
        int joins = 0;
        for (const YamlValue &join : cur ? cur->joins : QList<YamlValue>()) {
            // Replace a join with the same target and condition (ours from a
            // previous run, or the scan's); otherwise add it.
            YamlValue rebuilt = YamlValue::list();
            bool replaced = false;
            for (const YamlValue &j : joinList.items()) {
                if (!replaced && entryOf(j, QStringLiteral("to"))
                    && entryOf(j, QStringLiteral("on")) && sameJoin(j, join)) {
                    YamlValue kept = j;
                    kept.insert(QStringLiteral("relationship"),
                                *entryOf(join, QStringLiteral("relationship")));
                    rebuilt.append(kept);
                    replaced = true;
                } else {
                    rebuilt.append(j);
                }
            }
            if (!replaced)
                rebuilt.append(join);
            joinList = rebuilt;
            ++joins;
        }
        for (const YamlValue &was : prev ? prev->joins : QList<YamlValue>()) {
            const QList<YamlValue> nowJoins = cur ? cur->joins : QList<YamlValue>();
            if (std::any_of(nowJoins.cbegin(), nowJoins.cend(),
                            [&](const YamlValue &j) { return sameJoin(j, was); }))
                continue;
            YamlValue rebuilt = YamlValue::list();
            for (const YamlValue &j : joinList.items()) {
                if (j.type() != YamlValue::Type::Mapping || !sameJoin(j, was)) {
                    rebuilt.append(j);
                    continue;
                }
                // Exactly dbt's: the same relationship and nothing a person added.
                const bool onlyDbt
                    = std::all_of(j.entries().cbegin(), j.entries().cend(), [](const auto &e) {
                          return e.first == QLatin1String("to") || e.first == QLatin1String("on")
                              || e.first == QLatin1String("relationship");
                      });
                if (onlyDbt
                    && scalarOf(j, QStringLiteral("relationship"))
                        == scalarOf(was, QStringLiteral("relationship")))
                    continue;
                report.skipped << SkippedItem {
                    QStringLiteral("join %1 -> %2")
                        .arg(target.sourceName, scalarOf(j, QStringLiteral("to"))),
                    QStringLiteral("dbt no longer has the relationships test it came from, but "
                                   "the join in %1 was changed since dbt derived it, so it is "
                                   "kept")
                        .arg(target.path),
                    node.path, node.line};
                rebuilt.append(j);
            }
            joinList = rebuilt;
        }

        // Write: a new overlay in one pass, or edits into the existing file.
        QByteArray after;
        if (!exists) {
            YamlValue source = YamlValue::mapping();
            source.insert(QStringLiteral("name"), YamlValue::string(target.sourceName));
            if (const YamlValue *d = factOf(cur->source, QStringLiteral("descriptions")))
                source.insert(QStringLiteral("descriptions"),
                              YamlValue::mapping().insert(kDbt, *d));
            if (!grain.isEmpty())
                source.insert(QStringLiteral("grain"), YamlValue::stringList(grain));
            if (!newColumns.items().empty())
                source.insert(columnsKey, newColumns);
            if (!joinList.items().empty())
                source.insert(QStringLiteral("joins"), joinList);
            auto rendered = YamlEditor::renderDocument(source);
            if (!rendered) {
                report.skipped << SkippedItem {nodeLabel(node), rendered.error().message, node.path,
                                               node.line};
                continue;
            }
            after = *rendered;
        } else {
            YamlEditor editor(beforeBytes);
            QStringList failures;
            const auto apply = [&](Result<void> r) {
                if (!r)
                    failures << r.error().message;
            };
            // Each edit re-parses the file to verify it: skip the ones that change nothing.
            const auto originKey = [&](const QString &key) {
                const YamlNode *map = root->find(key);
                const YamlNode *current = map && map->isMapping() ? map->find(kDbt) : nullptr;
                if (const YamlValue *value = cur ? factOf(cur->source, key) : nullptr) {
                    if (!current || !sameValue(toValue(*current), *value))
                        apply(editor.set({key, kDbt}, *value));
                    return;
                }
                const YamlValue *was = prev ? factOf(prev->source, key) : nullptr;
                if (!was || !current
                    || !takeBack(QStringLiteral("%1 of %2").arg(key, nodeLabel(node)),
                                 toValue(*current), *was))
                    return;
                if (map->entries.size() == 1)
                    apply(editor.remove({key}));
                else
                    apply(editor.remove({key, kDbt}));
            };
            originKey(QStringLiteral("descriptions"));
            if (setGrain)
                apply(editor.set({QStringLiteral("grain")}, YamlValue::stringList(grain)));
            if (!columnList.items().empty() || !newColumns.items().empty())
                if (!sameValue(columnList, newColumns))
                    apply(editor.set({columnsKey}, newColumns));
            const YamlValue oldJoins
                = root->find(u"joins") ? toValue(*root->find(u"joins")) : YamlValue::list();
            if (!sameValue(oldJoins, joinList)) {
                // `joins: []` from the scan would stay a flow list; write joins in block style.
                if (root->find(u"joins")->flow && !joinList.items().empty())
                    apply(editor.remove({QStringLiteral("joins")}));
                apply(editor.set({QStringLiteral("joins")}, joinList));
            }
            originKey(QStringLiteral("tags"));
            originKey(QStringLiteral("freshness"));
            if (!failures.isEmpty()) {
                report.skipped << SkippedItem {
                    nodeLabel(node),
                    QStringLiteral("could not edit %1: %2")
                        .arg(target.path, failures.join(QStringLiteral("; "))),
                    node.path, node.line};
                continue;
            }
            after = editor.text();
        }
        if (cur && target.overlay && (!node.tags.isEmpty() || !node.freshness.isEmpty()))
            report.skipped << SkippedItem {
                QStringLiteral("tags/freshness of %1").arg(nodeLabel(node)),
                QStringLiteral("%1 is an overlay source, which has no tags or freshness keys "
                               "(ktx-spec §4.2)")
                    .arg(target.sourceName),
                node.path, node.line};
        if (!cur && after == beforeBytes)
            continue;
        out.files.insert(target.path, after);
        report.sources << target.sourceName;
        report.joins += joins;
    }
    report.sources.sort();

    // 4. What attached to nothing: one wiki page, so the knowledge is not lost.
    const QString project = m_project.name.isEmpty() ? m_input.connectionId : m_project.name;
    QString slug = project.toLower();
    slug.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    WikiPage unmappedPage;
    unmappedPage.key = QStringLiteral("dbt-%1-unmapped-models").arg(slug);
    unmappedPage.scope = WikiScope::Global;
    if (!unmapped.isEmpty()) {
        WikiPage page = unmappedPage;
        page.summary = QStringLiteral("dbt models and sources of %1 that match no table in "
                                      "warehouse connection %2")
                           .arg(project, m_input.warehouseConnectionId);
        page.tags = QStringList {QStringLiteral("dbt")};
        page.source = kDbt;
        page.connections = QStringList {m_input.warehouseConnectionId};
        QString body
            = QStringLiteral("\n%1 relations that the warehouse connection "
                             "`%2` does not hold (not built yet, built elsewhere, or an ephemeral "
                             "model). Their descriptions are kept here until they map.\n")
                  .arg(unmapped.size() == 1 ? QStringLiteral("This dbt entry describes")
                                            : QStringLiteral("These dbt entries describe"),
                       m_input.warehouseConnectionId);
        for (const auto &[n, why] : std::as_const(unmapped)) {
            body += QStringLiteral("\n## %1\n\n").arg(nodeLabel(*n));
            body += QStringLiteral("- Declared in `%1`\n- Why unmapped: %2\n").arg(n->path, why);
            if (!n->tags.isEmpty())
                body += QStringLiteral("- Tags: %1\n").arg(n->tags.join(QStringLiteral(", ")));
            if (!n->description.isEmpty())
                body += QStringLiteral("\n%1\n").arg(n->description);
            bool header = false;
            for (const DbtColumn &c : n->columns) {
                if (c.description.isEmpty())
                    continue;
                if (!header)
                    body += QStringLiteral("\n| column | description |\n|---|---|\n");
                header = true;
                QString d = c.description;
                d.replace(QLatin1Char('\n'), QLatin1Char(' '))
                    .replace(QLatin1Char('|'), QStringLiteral("\\|"));
                body += QStringLiteral("| `%1` | %2 |\n").arg(c.name, d);
            }
            report.skipped << SkippedItem {nodeLabel(*n), why, n->path, n->line};
        }
        page.body = body;
        out.files.insert(page.relativePath(), page.serialize());
        report.wikiPages << page.key;
    } else {
        // Every model maps now: the page written while some did not goes.
        out.removed << unmappedPage.relativePath();
    }
}

} // namespace ktx
