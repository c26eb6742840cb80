#include "semantic/sourceloader.h"

#include "project/yamldocument.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace ktx {

namespace {

using Locations = QHash<QString, SourceLocation>;

QString childPath(const QString &path, const QString &key)
{
    return path.isEmpty() ? key : QString(path + QLatin1Char('/') + key);
}

// The YAML tree as JSON, with the line and column of every value (path) and of
// every mapping key ("@" + path), so one validator serves YAML and JSON input.
QJsonValue toJson(const YamlNode &node, const QString &path, Locations &locations)
{
    locations.insert(path, SourceLocation {node.start.line, node.start.column});
    switch (node.kind) {
    case YamlNode::Kind::Mapping: {
        QJsonObject object;
        for (const YamlEntry &entry : node.entries) {
            const QString key = entry.key.text;
            locations.insert(QLatin1Char('@') + childPath(path, key),
                             SourceLocation {entry.key.start.line, entry.key.start.column});
            object.insert(key, toJson(entry.value, childPath(path, key), locations));
        }
        return object;
    }
    case YamlNode::Kind::Sequence: {
        QJsonArray array;
        for (int i = 0; i < int(node.items.size()); ++i)
            array.append(
                toJson(node.items[size_t(i)], childPath(path, QString::number(i)), locations));
        return array;
    }
    case YamlNode::Kind::Alias:
        return node.text;
    case YamlNode::Kind::Scalar:
        break;
    }
    if (node.isNull())
        return QJsonValue::Null;
    return node.text;
}

// Reads one object's fields against an allowed key list, collecting issues with
// locations.
class Reader
{
public:
    Reader(const Locations &locations, const QString &file, QList<SourceIssue> &issues)
        : m_locations(locations)
        , m_file(file)
        , m_issues(issues)
    { }

    QString sourceName;

    SourceLocation at(const QString &path, bool key = false) const
    {
        if (key) {
            const auto it = m_locations.constFind(QLatin1Char('@') + path);
            if (it != m_locations.cend())
                return *it;
        }
        SourceLocation l = m_locations.value(path);
        // A missing key: point at its parent object.
        QString p = path;
        while (l.line == 0 && !p.isEmpty()) {
            p = p.contains(QLatin1Char('/')) ? p.section(QLatin1Char('/'), 0, -2) : QString();
            l = m_locations.value(p);
        }
        return l;
    }

    void error(const QString &path, const QString &code, const QString &message, bool key = false)
    {
        add(SourceIssue::Severity::Error, path, code, message, key);
    }
    void warning(const QString &path, const QString &code, const QString &message)
    {
        add(SourceIssue::Severity::Warning, path, code, message, false);
    }

    void checkKeys(const QJsonObject &object, const QString &path, const QStringList &allowed,
                   const QString &what)
    {
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!allowed.contains(it.key()))
                error(childPath(path, it.key()), QStringLiteral("sl_unknown_key"),
                      QStringLiteral("Unknown key '%1' in %2. Allowed keys: %3.")
                          .arg(it.key(), what, allowed.join(QStringLiteral(", "))),
                      true);
        }
    }

    // A string value; numbers and booleans are accepted as their text (YAML
    // scalars are untyped here). Null and missing give an empty string.
    QString string(const QJsonObject &object, const QString &key, const QString &path,
                   bool required, const QString &what)
    {
        const QJsonValue v = object.value(key);
        if (v.isUndefined() || v.isNull()) {
            if (required)
                error(childPath(path, key), QStringLiteral("sl_missing_key"),
                      QStringLiteral("%1 is missing the required key '%2'.").arg(what, key));
            return {};
        }
        if (v.isString())
            return v.toString();
        if (v.isDouble())
            return QString::number(v.toDouble(), 'g', 17);
        if (v.isBool())
            return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        error(childPath(path, key), QStringLiteral("sl_wrong_type"),
              QStringLiteral("'%1' in %2 must be text.").arg(key, what));
        return {};
    }

    QStringList stringList(const QJsonObject &object, const QString &key, const QString &path,
                           const QString &what)
    {
        const QJsonValue v = object.value(key);
        QStringList out;
        if (v.isUndefined() || v.isNull())
            return out;
        if (!v.isArray()) {
            error(childPath(path, key), QStringLiteral("sl_wrong_type"),
                  QStringLiteral("'%1' in %2 must be a list of names.").arg(key, what));
            return out;
        }
        const QJsonArray array = v.toArray();
        for (int i = 0; i < array.size(); ++i) {
            if (array[i].isString() || array[i].isDouble())
                out << (array[i].isString() ? array[i].toString()
                                            : QString::number(array[i].toDouble(), 'g', 17));
            else
                error(childPath(childPath(path, key), QString::number(i)),
                      QStringLiteral("sl_wrong_type"),
                      QStringLiteral("'%1' in %2 must be a list of names.").arg(key, what));
        }
        return out;
    }

    QMap<QString, QString> stringMap(const QJsonObject &object, const QString &key,
                                     const QString &path, const QString &what)
    {
        QMap<QString, QString> out;
        const QJsonValue v = object.value(key);
        if (v.isUndefined() || v.isNull())
            return out;
        if (!v.isObject()) {
            error(childPath(path, key), QStringLiteral("sl_wrong_type"),
                  QStringLiteral("'%1' in %2 must be a mapping such as {user: \"...\"}.")
                      .arg(key, what));
            return out;
        }
        const QJsonObject map = v.toObject();
        for (auto it = map.begin(); it != map.end(); ++it) {
            if (it->isNull())
                continue;
            if (!it->isString()) {
                error(childPath(childPath(path, key), it.key()), QStringLiteral("sl_wrong_type"),
                      QStringLiteral("'%1.%2' in %3 must be text.").arg(key, it.key(), what));
                continue;
            }
            out.insert(it.key(), it->toString());
        }
        return out;
    }

    QJsonArray objectList(const QJsonObject &object, const QString &key, const QString &path,
                          const QString &what)
    {
        const QJsonValue v = object.value(key);
        if (v.isUndefined() || v.isNull())
            return {};
        if (!v.isArray()) {
            error(childPath(path, key), QStringLiteral("sl_wrong_type"),
                  QStringLiteral("'%1' in %2 must be a list.").arg(key, what));
            return {};
        }
        const QJsonArray array = v.toArray();
        for (int i = 0; i < array.size(); ++i) {
            if (!array[i].isObject())
                error(childPath(childPath(path, key), QString::number(i)),
                      QStringLiteral("sl_wrong_type"),
                      QStringLiteral("Each entry of '%1' in %2 must be a mapping.").arg(key, what));
        }
        return array;
    }

private:
    void add(SourceIssue::Severity severity, const QString &path, const QString &code,
             const QString &message, bool key)
    {
        const SourceLocation l = at(path, key);
        m_issues.append(
            SourceIssue {severity, code, message, m_file, l.line, l.column, sourceName});
    }

    const Locations &m_locations;
    QString m_file;
    QList<SourceIssue> &m_issues;
};

const QStringList kStandaloneKeys {QStringLiteral("name"),
                                   QStringLiteral("description"),
                                   QStringLiteral("descriptions"),
                                   QStringLiteral("table"),
                                   QStringLiteral("sql"),
                                   QStringLiteral("source_type"),
                                   QStringLiteral("inherits_columns_from"),
                                   QStringLiteral("grain"),
                                   QStringLiteral("columns"),
                                   QStringLiteral("measures"),
                                   QStringLiteral("segments"),
                                   QStringLiteral("joins"),
                                   QStringLiteral("default_time_dimension"),
                                   QStringLiteral("tags"),
                                   QStringLiteral("freshness"),
                                   QStringLiteral("usage")};
const QStringList kOverlayKeys {
    QStringLiteral("name"),          QStringLiteral("description"),
    QStringLiteral("descriptions"),  QStringLiteral("grain"),
    QStringLiteral("columns"),       QStringLiteral("column_overrides"),
    QStringLiteral("joins"),         QStringLiteral("measures"),
    QStringLiteral("segments"),      QStringLiteral("exclude_columns"),
    QStringLiteral("disable_joins"), QStringLiteral("default_time_dimension"),
    QStringLiteral("usage")};
const QStringList kColumnKeys {QStringLiteral("name"),        QStringLiteral("type"),
                               QStringLiteral("role"),        QStringLiteral("visibility"),
                               QStringLiteral("description"), QStringLiteral("descriptions"),
                               QStringLiteral("expr"),        QStringLiteral("natural_granularity"),
                               QStringLiteral("constraints"), QStringLiteral("enum_values"),
                               QStringLiteral("tests")};
const QStringList kOverrideKeys {QStringLiteral("name"),         QStringLiteral("role"),
                                 QStringLiteral("visibility"),   QStringLiteral("description"),
                                 QStringLiteral("descriptions"), QStringLiteral("constraints"),
                                 QStringLiteral("enum_values"),  QStringLiteral("tests")};
const QStringList kJoinKeys {QStringLiteral("to"), QStringLiteral("on"),
                             QStringLiteral("relationship"), QStringLiteral("alias")};
const QStringList kMeasureKeys {QStringLiteral("name"), QStringLiteral("expr"),
                                QStringLiteral("filter"), QStringLiteral("segments"),
                                QStringLiteral("description")};
const QStringList kSegmentKeys {QStringLiteral("name"), QStringLiteral("expr"),
                                QStringLiteral("description")};

const QStringList kTypes {QStringLiteral("string"), QStringLiteral("number"),
                          QStringLiteral("time"), QStringLiteral("boolean")};
const QStringList kRelationships {QStringLiteral("many_to_one"), QStringLiteral("one_to_many"),
                                  QStringLiteral("one_to_one")};

SourceColumn readColumn(Reader &r, const QJsonObject &o, const QString &path, bool overlay,
                        bool typeOptional, const QStringList &allowedKeys, const QString &what)
{
    SourceColumn c;
    r.checkKeys(o, path, allowedKeys, what);
    c.location = r.at(path);
    c.name = r.string(o, QStringLiteral("name"), path, true, what);
    if (c.name.contains(QLatin1Char('.')))
        r.error(childPath(path, QStringLiteral("name")), QStringLiteral("sl_invalid_name"),
                QStringLiteral("Column name '%1' must not contain '.'.").arg(c.name));
    if (allowedKeys.contains(QStringLiteral("type"))) {
        c.type = r.string(o, QStringLiteral("type"), path, !typeOptional, what);
        if (!c.type.isEmpty() && !kTypes.contains(c.type))
            r.error(childPath(path, QStringLiteral("type")), QStringLiteral("sl_invalid_enum"),
                    QStringLiteral("Column '%1' has type '%2'; expected one of %3.")
                        .arg(c.name, c.type, kTypes.join(QStringLiteral(", "))));
        c.expr = r.string(o, QStringLiteral("expr"), path, overlay, what);
    }
    const QString role = r.string(o, QStringLiteral("role"), path, false, what);
    if (!role.isEmpty()) {
        if (role != QLatin1String("time") && role != QLatin1String("default"))
            r.error(childPath(path, QStringLiteral("role")), QStringLiteral("sl_invalid_enum"),
                    QStringLiteral("Column '%1' has role '%2'; expected time or default.")
                        .arg(c.name, role));
        c.role = role;
    }
    const QString visibility = r.string(o, QStringLiteral("visibility"), path, false, what);
    if (visibility == QLatin1String("internal"))
        c.visibility = SourceColumn::Visibility::Internal;
    else if (visibility == QLatin1String("hidden"))
        c.visibility = SourceColumn::Visibility::Hidden;
    else if (!visibility.isEmpty() && visibility != QLatin1String("public"))
        r.error(childPath(path, QStringLiteral("visibility")), QStringLiteral("sl_invalid_enum"),
                QStringLiteral("Column '%1' has visibility '%2'; expected public, internal or "
                               "hidden.")
                    .arg(c.name, visibility));
    c.descriptions = r.stringMap(o, QStringLiteral("descriptions"), path, what);
    c.description = r.string(o, QStringLiteral("description"), path, false, what);
    if (c.description.isEmpty())
        c.description = SemanticSource::resolveDescription(c.descriptions);
    for (const char *key : {"natural_granularity", "constraints", "enum_values", "tests"}) {
        const QString k = QString::fromLatin1(key);
        if (o.contains(k))
            c.extra.insert(k, o.value(k));
    }
    return c;
}

void checkDuplicates(Reader &r, const QStringList &names, const QString &listPath,
                     const QString &kind)
{
    QSet<QString> seen;
    for (int i = 0; i < names.size(); ++i) {
        if (names[i].isEmpty())
            continue;
        if (seen.contains(names[i]))
            r.error(childPath(listPath, QString::number(i)), QStringLiteral("sl_duplicate_name"),
                    QStringLiteral("%1 '%2' is declared twice in source '%3'.")
                        .arg(kind, names[i], r.sourceName));
        seen.insert(names[i]);
    }
}

} // namespace

const SemanticSource *SourceLoader::SourceSet::find(const QString &name) const
{
    for (const SemanticSource &s : sources) {
        if (s.name == name)
            return &s;
    }
    return nullptr;
}

int SourceLoader::SourceSet::errorCount() const
{
    return int(std::count_if(issues.cbegin(), issues.cend(),
                             [](const SourceIssue &i) { return i.isError(); }));
}

int SourceLoader::SourceSet::warningCount() const
{
    return int(issues.size()) - errorCount();
}

SourceLoader::Loaded SourceLoader::fromYaml(const QByteArray &text, const QString &filePath)
{
    Loaded out;
    Result<YamlDocument> doc = YamlDocument::parse(text, filePath);
    if (!doc.ok()) {
        const Error &e = doc.error();
        out.issues.append(SourceIssue {SourceIssue::Severity::Error,
                                       QStringLiteral("sl_yaml_syntax"), e.message, filePath,
                                       e.line, e.column, peekName(text)});
        return out;
    }
    if (!doc->root() || !doc->root()->isMapping()) {
        const int line = doc->root() ? doc->root()->start.line : 1;
        out.issues.append(SourceIssue {SourceIssue::Severity::Error,
                                       QStringLiteral("sl_not_a_source"),
                                       QStringLiteral("A source file must hold one YAML mapping "
                                                      "with at least 'name', 'grain' and "
                                                      "'columns'."),
                                       filePath,
                                       line,
                                       1,
                                       {}});
        return out;
    }
    Locations locations;
    const QJsonObject object = toJson(*doc->root(), {}, locations).toObject();
    return parse(object, locations, filePath);
}

QList<SourceLoader::Loaded> SourceLoader::fromYamlFile(const QByteArray &text,
                                                       const QString &filePath)
{
    Result<YamlDocument> doc = YamlDocument::parse(text, filePath);
    if (!doc.ok() || !doc->root() || !doc->root()->isSequence())
        return {fromYaml(text, filePath)};
    QList<Loaded> out;
    for (const YamlNode &item : doc->root()->items) {
        if (!item.isMapping()) {
            Loaded bad;
            bad.issues.append(SourceIssue {SourceIssue::Severity::Error,
                                           QStringLiteral("sl_not_a_source"),
                                           QStringLiteral("Each entry of a source list must be a "
                                                          "mapping with 'name', 'grain' and "
                                                          "'columns'."),
                                           filePath,
                                           item.start.line,
                                           item.start.column,
                                           {}});
            out << bad;
            continue;
        }
        Locations locations;
        const QJsonObject object = toJson(item, {}, locations).toObject();
        out << parse(object, locations, filePath);
    }
    return out;
}

SourceLoader::Loaded SourceLoader::fromJson(const QJsonObject &object, const QString &filePath)
{
    return parse(object, {}, filePath);
}

SourceLoader::Loaded SourceLoader::parse(const QJsonObject &o, const Locations &locations,
                                         const QString &filePath)
{
    Loaded out;
    Reader r(locations, filePath, out.issues);
    SemanticSource s;
    s.filePath = filePath;
    s.location = r.at({});
    s.name = r.string(o, QStringLiteral("name"), {}, true, QStringLiteral("A source"));
    r.sourceName = s.name;
    const QString what = s.name.isEmpty() ? QStringLiteral("the source")
                                          : QStringLiteral("source '%1'").arg(s.name);
    const bool hasTable
        = o.contains(QStringLiteral("table")) && !o.value(QStringLiteral("table")).isNull();
    const bool hasSql
        = o.contains(QStringLiteral("sql")) && !o.value(QStringLiteral("sql")).isNull();
    s.overlay = !hasTable && !hasSql;
    if (hasTable && hasSql)
        r.error(QStringLiteral("sql"), QStringLiteral("sl_table_and_sql"),
                QStringLiteral("Standalone source must have exactly one of 'table' or 'sql' (not "
                               "both)."),
                true);
    r.checkKeys(o, {}, s.overlay ? kOverlayKeys : kStandaloneKeys,
                s.overlay
                    ? QStringLiteral("overlay %1 (a source without 'table' or 'sql')").arg(what)
                    : what);

    s.descriptions = r.stringMap(o, QStringLiteral("descriptions"), {}, what);
    s.description = r.string(o, QStringLiteral("description"), {}, false, what);
    if (s.description.isEmpty())
        s.description = SemanticSource::resolveDescription(s.descriptions);
    s.table = r.string(o, QStringLiteral("table"), {}, false, what).trimmed();
    s.sql = r.string(o, QStringLiteral("sql"), {}, false, what);
    s.sourceType = r.string(o, QStringLiteral("source_type"), {}, false, what);
    if (!s.sourceType.isEmpty() && s.sourceType != QLatin1String("table")
        && s.sourceType != QLatin1String("sql"))
        r.error(QStringLiteral("source_type"), QStringLiteral("sl_invalid_enum"),
                QStringLiteral("source_type must be table or sql (got '%1').").arg(s.sourceType));
    s.inheritsColumnsFrom = r.string(o, QStringLiteral("inherits_columns_from"), {}, false, what);

    s.grain = r.stringList(o, QStringLiteral("grain"), {}, what);
    if (!s.overlay && s.grain.isEmpty())
        r.error(QStringLiteral("grain"), QStringLiteral("sl_missing_grain"),
                QStringLiteral("%1 needs a non-empty 'grain': the columns that identify a row.")
                    .arg(what.left(1).toUpper() + what.mid(1)));
    for (int i = 0; i < s.grain.size(); ++i) {
        if (s.grain[i].contains(QLatin1Char('.')))
            r.error(childPath(QStringLiteral("grain"), QString::number(i)),
                    QStringLiteral("sl_invalid_grain"),
                    QStringLiteral("Grain column '%1' must be an unqualified column name (no '.').")
                        .arg(s.grain[i]));
    }

    const QJsonArray columns = r.objectList(o, QStringLiteral("columns"), {}, what);
    if (!s.overlay && columns.isEmpty())
        r.error(QStringLiteral("columns"), QStringLiteral("sl_missing_columns"),
                QStringLiteral("%1 needs at least one column.")
                    .arg(what.left(1).toUpper() + what.mid(1)));
    QStringList columnNames;
    for (int i = 0; i < columns.size(); ++i) {
        if (!columns[i].isObject())
            continue;
        const QString path = QStringLiteral("columns/%1").arg(i);
        const SourceColumn c = readColumn(r, columns[i].toObject(), path, s.overlay,
                                          !s.inheritsColumnsFrom.isEmpty(), kColumnKeys,
                                          QStringLiteral("a column of %1").arg(what));
        columnNames << c.name;
        s.columns.append(c);
    }
    checkDuplicates(r, columnNames, QStringLiteral("columns"), QStringLiteral("Column"));

    const QJsonArray overrides = r.objectList(o, QStringLiteral("column_overrides"), {}, what);
    for (int i = 0; i < overrides.size(); ++i) {
        if (overrides[i].isObject())
            s.columnOverrides.append(readColumn(
                r, overrides[i].toObject(), QStringLiteral("column_overrides/%1").arg(i), false,
                true, kOverrideKeys, QStringLiteral("a column override of %1").arg(what)));
    }
    s.excludeColumns = r.stringList(o, QStringLiteral("exclude_columns"), {}, what);
    s.disableJoins = r.stringList(o, QStringLiteral("disable_joins"), {}, what);

    const QJsonArray joins = r.objectList(o, QStringLiteral("joins"), {}, what);
    for (int i = 0; i < joins.size(); ++i) {
        if (!joins[i].isObject())
            continue;
        const QString path = QStringLiteral("joins/%1").arg(i);
        const QJsonObject j = joins[i].toObject();
        const QString jwhat = QStringLiteral("a join of %1").arg(what);
        r.checkKeys(j, path, kJoinKeys, jwhat);
        SourceJoin join;
        join.location = r.at(path);
        join.to = r.string(j, QStringLiteral("to"), path, true, jwhat);
        join.on = r.string(j, QStringLiteral("on"), path, true, jwhat);
        join.relationship = r.string(j, QStringLiteral("relationship"), path, true, jwhat);
        join.alias = r.string(j, QStringLiteral("alias"), path, false, jwhat);
        if (!join.relationship.isEmpty() && !kRelationships.contains(join.relationship))
            r.error(childPath(path, QStringLiteral("relationship")),
                    QStringLiteral("sl_invalid_enum"),
                    QStringLiteral("Join to '%1' has relationship '%2'; expected many_to_one, "
                                   "one_to_many or one_to_one.")
                        .arg(join.to, join.relationship));
        s.joins.append(join);
    }

    const QJsonArray measures = r.objectList(o, QStringLiteral("measures"), {}, what);
    QStringList measureNames;
    for (int i = 0; i < measures.size(); ++i) {
        if (!measures[i].isObject())
            continue;
        const QString path = QStringLiteral("measures/%1").arg(i);
        const QJsonObject m = measures[i].toObject();
        const QString mwhat = QStringLiteral("a measure of %1").arg(what);
        r.checkKeys(m, path, kMeasureKeys, mwhat);
        SourceMeasure measure;
        measure.location = r.at(path);
        measure.name = r.string(m, QStringLiteral("name"), path, true, mwhat);
        measure.expr = r.string(m, QStringLiteral("expr"), path, true, mwhat);
        measure.filter = r.string(m, QStringLiteral("filter"), path, false, mwhat);
        measure.segments = r.stringList(m, QStringLiteral("segments"), path, mwhat);
        measure.description = r.string(m, QStringLiteral("description"), path, false, mwhat);
        measureNames << measure.name;
        s.measures.append(measure);
    }
    checkDuplicates(r, measureNames, QStringLiteral("measures"), QStringLiteral("Measure"));

    const QJsonArray segments = r.objectList(o, QStringLiteral("segments"), {}, what);
    QStringList segmentNames;
    for (int i = 0; i < segments.size(); ++i) {
        if (!segments[i].isObject())
            continue;
        const QString path = QStringLiteral("segments/%1").arg(i);
        const QJsonObject g = segments[i].toObject();
        const QString swhat = QStringLiteral("a segment of %1").arg(what);
        r.checkKeys(g, path, kSegmentKeys, swhat);
        SourceSegment segment;
        segment.location = r.at(path);
        segment.name = r.string(g, QStringLiteral("name"), path, true, swhat);
        segment.expr = r.string(g, QStringLiteral("expr"), path, true, swhat);
        segment.description = r.string(g, QStringLiteral("description"), path, false, swhat);
        segmentNames << segment.name;
        s.segments.append(segment);
    }
    checkDuplicates(r, segmentNames, QStringLiteral("segments"), QStringLiteral("Segment"));

    // Grain columns must be declared (standalone; an overlay's columns come
    // from the manifest and are checked after composition).
    if (!s.overlay) {
        for (int i = 0; i < s.grain.size(); ++i) {
            if (!s.grain[i].isEmpty() && !s.column(s.grain[i]))
                r.error(childPath(QStringLiteral("grain"), QString::number(i)),
                        QStringLiteral("sl_invalid_grain"),
                        QStringLiteral("Source '%1' has grain column '%2' that is not in its "
                                       "columns list.")
                            .arg(s.name, s.grain[i]));
        }
    }

    for (const char *key : {"default_time_dimension", "tags", "freshness", "usage"}) {
        const QString k = QString::fromLatin1(key);
        if (o.contains(k))
            s.extra.insert(k, o.value(k));
    }

    const bool failed = std::any_of(out.issues.cbegin(), out.issues.cend(),
                                    [](const SourceIssue &i) { return i.isError(); });
    if (!failed && !s.name.isEmpty())
        out.source = s;
    return out;
}

QString SourceLoader::peekName(const QByteArray &text)
{
    static const QRegularExpression nameLine(
        QStringLiteral("^name:[ \\t]*(?:\"([^\"]*)\"|'([^']*)'|([^#\\r\\n]*?))[ \\t]*(?:#.*)?$"),
        QRegularExpression::MultilineOption);
    const QRegularExpressionMatch m = nameLine.match(QString::fromUtf8(text));
    if (!m.hasMatch())
        return {};
    for (int i = 1; i <= 3; ++i) {
        if (!m.captured(i).isEmpty())
            return m.captured(i).trimmed();
    }
    return {};
}

QList<SemanticSource> SourceLoader::manifestEntries(const QByteArray &text, const QString &filePath,
                                                    QList<SourceIssue> *issues)
{
    QList<SemanticSource> out;
    Result<YamlDocument> doc = YamlDocument::parse(text, filePath);
    if (!doc.ok()) {
        if (issues)
            issues->append(SourceIssue {SourceIssue::Severity::Error,
                                        QStringLiteral("sl_yaml_syntax"),
                                        doc.error().message,
                                        filePath,
                                        doc.error().line,
                                        doc.error().column,
                                        {}});
        return out;
    }
    const YamlNode *tables = doc->root() ? doc->root()->find(u"tables") : nullptr;
    if (!tables || !tables->isMapping())
        return out;
    for (const YamlEntry &entry : tables->entries) {
        Locations locations;
        QJsonObject object = toJson(entry.value, {}, locations).toObject();
        object.insert(QStringLiteral("name"), entry.key.text);
        // Manifest entries are scan output: no grain, never strict about keys.
        for (const QString &key : object.keys()) {
            if (!kStandaloneKeys.contains(key))
                object.remove(key);
        }
        QList<SourceIssue> ignored;
        Reader r(locations, filePath, ignored);
        SemanticSource s;
        s.name = entry.key.text;
        s.filePath = filePath;
        s.location = SourceLocation {entry.key.start.line, entry.key.start.column};
        s.table = object.value(QStringLiteral("table")).toString();
        s.sql = object.value(QStringLiteral("sql")).toString();
        s.descriptions = r.stringMap(object, QStringLiteral("descriptions"), {}, s.name);
        s.description = SemanticSource::resolveDescription(s.descriptions);
        s.grain = r.stringList(object, QStringLiteral("grain"), {}, s.name);
        const QJsonArray columns = object.value(QStringLiteral("columns")).toArray();
        for (int i = 0; i < columns.size(); ++i)
            s.columns.append(readColumn(r, columns[i].toObject(),
                                        QStringLiteral("columns/%1").arg(i), false, true,
                                        kColumnKeys, s.name));
        const QJsonArray joins = object.value(QStringLiteral("joins")).toArray();
        for (const QJsonValue &jv : joins) {
            const QJsonObject j = jv.toObject();
            SourceJoin join;
            join.to = j.value(QStringLiteral("to")).toString();
            join.on = j.value(QStringLiteral("on")).toString();
            join.relationship = j.value(QStringLiteral("relationship")).toString();
            join.alias = j.value(QStringLiteral("alias")).toString();
            s.joins.append(join);
        }
        out.append(s);
    }
    return out;
}

SemanticSource SourceLoader::compose(const SemanticSource &base, const SemanticSource &overlay)
{
    SemanticSource s = base;
    s.name = overlay.name;
    s.overlay = false;
    s.filePath = overlay.filePath;
    s.location = overlay.location;
    for (auto it = overlay.descriptions.cbegin(); it != overlay.descriptions.cend(); ++it)
        s.descriptions.insert(it.key(), it.value());
    s.description = overlay.description.isEmpty()
        ? SemanticSource::resolveDescription(s.descriptions)
        : overlay.description;
    if (!overlay.grain.isEmpty())
        s.grain = overlay.grain;
    s.columns.erase(std::remove_if(s.columns.begin(), s.columns.end(),
                                   [&](const SourceColumn &c) {
                                       return overlay.excludeColumns.contains(c.name);
                                   }),
                    s.columns.end());
    for (const SourceColumn &o : overlay.columnOverrides) {
        for (SourceColumn &c : s.columns) {
            if (c.name != o.name)
                continue;
            c.role = o.role;
            c.visibility = o.visibility;
            for (auto it = o.descriptions.cbegin(); it != o.descriptions.cend(); ++it)
                c.descriptions.insert(it.key(), it.value());
            if (!o.description.isEmpty())
                c.description = o.description;
            else if (!o.descriptions.isEmpty())
                c.description = SemanticSource::resolveDescription(c.descriptions);
            for (auto it = o.extra.begin(); it != o.extra.end(); ++it)
                c.extra.insert(it.key(), it.value());
        }
    }
    for (const SourceColumn &c : overlay.columns) {
        s.columns.erase(std::remove_if(s.columns.begin(), s.columns.end(),
                                       [&](const SourceColumn &e) { return e.name == c.name; }),
                        s.columns.end());
        s.columns.append(c);
    }
    s.joins.erase(std::remove_if(s.joins.begin(), s.joins.end(),
                                 [&](const SourceJoin &j) {
                                     return overlay.disableJoins.contains(j.to)
                                         || (!j.alias.isEmpty()
                                             && overlay.disableJoins.contains(j.alias));
                                 }),
                  s.joins.end());
    s.joins += overlay.joins;
    s.measures = overlay.measures;
    s.segments = overlay.segments;
    for (auto it = overlay.extra.begin(); it != overlay.extra.end(); ++it)
        s.extra.insert(it.key(), it.value());
    return s;
}

SourceLoader::SourceSet SourceLoader::loadDirectory(const QString &directory)
{
    SourceSet set;
    const QDir dir(directory);
    QStringList files;
    QStringList manifests;
    QDirIterator it(directory, {QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = dir.relativeFilePath(path);
        if (relative.startsWith(QLatin1String("_schema/")))
            manifests << path;
        else
            files << path;
    }
    std::sort(files.begin(), files.end());
    std::sort(manifests.begin(), manifests.end());

    QList<SemanticSource> manifest;
    for (const QString &path : std::as_const(manifests)) {
        QFile f(path);
        if (f.open(QIODevice::ReadOnly))
            manifest += manifestEntries(f.readAll(), path, &set.issues);
    }
    const auto findManifestEntry = [&manifest](const QString &name) -> const SemanticSource * {
        for (const SemanticSource &m : manifest) {
            if (m.name == name || m.table == name)
                return &m;
        }
        const QString suffix = QLatin1Char('.') + name;
        for (const SemanticSource &m : manifest) {
            if (m.name.endsWith(suffix) || m.table.endsWith(suffix))
                return &m;
        }
        return nullptr;
    };

    QHash<QString, QStringList> filesByName;
    QList<SemanticSource> loaded;
    for (const QString &path : std::as_const(files)) {
        ++set.fileCount;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            set.issues.append(
                SourceIssue {SourceIssue::Severity::Error,
                             QStringLiteral("sl_unreadable"),
                             QStringLiteral("Cannot read the file: %1").arg(f.errorString()),
                             path,
                             0,
                             0,
                             {}});
            continue;
        }
        const QByteArray text = f.readAll();
        const QList<Loaded> all = fromYamlFile(text, path);
        if (all.size() == 1) {
            const QString name = all.first().source ? all.first().source->name : peekName(text);
            if (!name.isEmpty())
                filesByName[name] << path;
        } else {
            for (const Loaded &one : all) {
                if (one.source)
                    filesByName[one.source->name] << path;
            }
        }
        for (const Loaded &one : all) {
            set.issues += one.issues;
            if (!one.source)
                continue;
            SemanticSource source = *one.source;
            if (source.overlay) {
                const SemanticSource *base = findManifestEntry(source.name);
                if (!base) {
                    set.issues.append(SourceIssue {
                        SourceIssue::Severity::Error, QStringLiteral("sl_overlay_without_manifest"),
                        QStringLiteral(
                            "Overlay source '%1' has no 'table' or 'sql' and no entry in "
                            "_schema/ to compose onto. Add 'table:' or 'sql:', or run "
                            "ingest to write the schema manifest.")
                            .arg(source.name),
                        path, source.location.line, source.location.column, source.name});
                    continue;
                }
                source = compose(*base, source);
            }
            loaded.append(source);
        }
    }
    for (auto n = filesByName.cbegin(); n != filesByName.cend(); ++n) {
        if (n.value().size() < 2)
            continue;
        for (const QString &path : n.value())
            set.issues.append(SourceIssue {
                SourceIssue::Severity::Error, QStringLiteral("sl_duplicate_source"),
                QStringLiteral("Source '%1' is declared in %2 files: %3. A name must be declared "
                               "once; rename or remove the copies.")
                    .arg(n.key())
                    .arg(n.value().size())
                    .arg(n.value().join(QStringLiteral(", "))),
                path, 1, 1, n.key()});
    }
    for (const SemanticSource &s : std::as_const(loaded)) {
        if (filesByName.value(s.name).size() < 2)
            set.sources.append(s);
    }
    return set;
}

} // namespace ktx
