#include "sources/dbtproject.h"

#include "project/yamldocument.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace ktx {

const DbtColumn *DbtNode::column(const QString &columnName) const
{
    for (const DbtColumn &c : columns)
        if (c.name.compare(columnName, Qt::CaseInsensitive) == 0)
            return &c;
    return nullptr;
}

const DbtNode *DbtProject::model(const QString &modelName) const
{
    for (const DbtNode &m : models)
        if (m.name == modelName)
            return &m;
    return nullptr;
}

const DbtNode *DbtProject::source(const QString &sourceName, const QString &tableName) const
{
    for (const DbtNode &s : sources)
        if (s.sourceName == sourceName && s.name == tableName)
            return &s;
    return nullptr;
}

int DbtProject::yamlFileCount() const
{
    int count = 0;
    for (const QString &f : filesRead)
        if ((f.endsWith(QLatin1String(".yml")) || f.endsWith(QLatin1String(".yaml")))
            && f != QLatin1String("dbt_project.yml") && f != QLatin1String("profiles.yml"))
            ++count;
    return count;
}

namespace {

QString scalar(const YamlNode *node)
{
    return node && node->isScalar() && !node->isNull() ? node->text : QString();
}

QStringList stringList(const QJsonValue &value)
{
    QStringList out;
    if (value.isString())
        out << value.toString();
    for (const QJsonValue &v : value.toArray())
        if (v.isString())
            out << v.toString();
    return out;
}

// The project's files: a folder on disk, or the bytes of an earlier sync, so
// what dbt said last time is read by exactly the same rules.
class Files
{
public:
    explicit Files(const QString &root)
        : m_root(root)
    { }
    explicit Files(const QMap<QString, QByteArray> &files)
        : m_files(&files)
    { }

    bool exists(const QString &relative) const
    {
        return m_files ? m_files->contains(relative) : m_root.exists(relative);
    }
    bool isDir(const QString &relative) const
    {
        if (!m_files)
            return QFileInfo(m_root.filePath(relative)).isDir();
        const QString prefix = QDir::cleanPath(relative) + QLatin1Char('/');
        const auto it = m_files->lowerBound(prefix);
        return it != m_files->cend() && it.key().startsWith(prefix);
    }
    // Every file below `relative`, relative to the root, in no particular order.
    QStringList filesUnder(const QString &relative) const
    {
        QStringList out;
        if (m_files) {
            const QString prefix = QDir::cleanPath(relative) + QLatin1Char('/');
            for (auto it = m_files->lowerBound(prefix);
                 it != m_files->cend() && it.key().startsWith(prefix); ++it)
                out << it.key();
            return out;
        }
        QDirIterator it(m_root.filePath(relative), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            out << m_root.relativeFilePath(it.next());
        return out;
    }
    std::optional<QByteArray> read(const QString &relative, QString *error) const
    {
        if (m_files) {
            const auto it = m_files->constFind(relative);
            if (it != m_files->cend())
                return *it;
            *error = QStringLiteral("not in the previous sync");
            return std::nullopt;
        }
        QFile f(m_root.filePath(relative));
        if (!f.open(QIODevice::ReadOnly)) {
            *error = f.errorString();
            return std::nullopt;
        }
        return f.readAll();
    }

private:
    QDir m_root;
    const QMap<QString, QByteArray> *m_files = nullptr;
};

class Reader
{
public:
    Reader(const Files &files, DbtProject &project)
        : m_files(files)
        , m_project(project)
    { }

    const Files &files() const { return m_files; }

    std::optional<QByteArray> read(const QString &relative)
    {
        QString error;
        auto bytes = m_files.read(relative, &error);
        if (!bytes) {
            m_project.errors << SourceFileIssue {
                relative, 0, 0, QStringLiteral("cannot read the file: %1").arg(error)};
            return std::nullopt;
        }
        m_project.filesRead << relative;
        return bytes;
    }

    std::optional<YamlDocument> yaml(const QString &relative)
    {
        const auto bytes = read(relative);
        if (!bytes)
            return std::nullopt;
        auto doc = YamlDocument::parse(*bytes, relative);
        if (!doc) {
            m_project.errors << SourceFileIssue {relative, doc.error().line, doc.error().column,
                                                 doc.error().message};
            return std::nullopt;
        }
        return std::move(doc).value();
    }

    void issue(const QString &path, const YamlNode *at, const QString &message)
    {
        issue(path, at ? at->start.line : 0, at ? at->start.column : 0, message);
    }
    void issue(const QString &path, int line, int column, const QString &message)
    {
        // The same spot can be read twice (a source's schema for each of its tables).
        const QString key
            = QStringLiteral("%1:%2:%3:%4").arg(path).arg(line).arg(column).arg(message);
        if (m_reported.contains(key))
            return;
        m_reported.insert(key);
        m_project.errors << SourceFileIssue {path, line, column, message};
    }

private:
    const Files &m_files;
    DbtProject &m_project;
    QSet<QString> m_reported;
};

// dbt's `var()`: `vars:` of dbt_project.yml, global and `<project>:`-scoped (the
// scoped value wins for the project's own models), with the call's default.
class Vars
{
public:
    Vars(Reader &reader)
        : m_reader(reader)
    { }

    void load(const YamlNode *vars, const QString &projectName)
    {
        if (!vars || !vars->isMapping())
            return;
        QJsonObject scoped;
        for (const YamlEntry &e : vars->entries) {
            if (e.key.text == projectName && e.value.isMapping())
                scoped = e.value.toJson().toObject();
            else
                m_values.insert(e.key.text, e.value.toJson());
        }
        for (auto it = scoped.begin(); it != scoped.end(); ++it)
            m_values.insert(it.key(), it.value());
    }

    // A `var('name'[, default])` call's value: the project's, else the default;
    // nullopt (with an issue at path:line:column) when neither exists.
    std::optional<QJsonValue> value(const QString &name, const QString &defaultText,
                                    const QString &path, int line, int column)
    {
        if (const auto it = m_values.constFind(name); it != m_values.cend())
            return *it;
        if (!defaultText.trimmed().isEmpty())
            return literal(defaultText.trimmed());
        m_reader.issue(path, line, column,
                       QStringLiteral("var('%1') is not defined in the vars of dbt_project.yml "
                                      "and the call has no default")
                           .arg(name));
        return std::nullopt;
    }

    // `text` with its `{{ var(...) }}` expressions replaced. When the whole text is
    // one expression the var's own JSON type is kept (a list of accepted values,
    // `enabled: false`). `line`/`column` locate the text's first character.
    std::optional<QJsonValue> resolve(const QString &text, const QString &path, int line,
                                      int column)
    {
        static const QRegularExpression expr(QStringLiteral(
            "\\{\\{-?\\s*var\\(\\s*(['\"])([^'\"]+)\\1\\s*(?:,\\s*(.*?))?\\)\\s*-?\\}\\}"));
        if (!text.contains(QLatin1String("var(")))
            return QJsonValue(text);
        QString out;
        qsizetype last = 0;
        bool ok = true;
        for (auto it = expr.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            // Located at `var`, as for SQL files.
            const auto [l, c] = position(
                text, text.indexOf(QLatin1String("var("), m.capturedStart()), line, column);
            const auto v = value(m.captured(2), m.captured(3), path, l, c);
            if (!v) {
                ok = false;
                continue;
            }
            if (m.capturedStart() == 0 && m.capturedEnd() == text.size())
                return *v;
            out += text.mid(last, m.capturedStart() - last) + scalarText(*v);
            last = m.capturedEnd();
        }
        if (!ok)
            return std::nullopt;
        return QJsonValue(out + text.mid(last));
    }

    // A YAML scalar's value with its vars resolved; the scalar's JSON otherwise.
    std::optional<QJsonValue> resolve(const YamlNode &node, const QString &path)
    {
        if (!node.isScalar() || !node.text.contains(QLatin1String("var(")))
            return node.toJson();
        const int quote = node.scalarStyle == YamlNode::ScalarStyle::SingleQuoted
                || node.scalarStyle == YamlNode::ScalarStyle::DoubleQuoted
            ? 1
            : 0;
        return resolve(node.text, path, node.start.line, node.start.column + quote);
    }

    // Every `var()` call in a SQL file: those that resolve to nothing are reported
    // where they are (dbt fails to compile such a model; we still read it).
    void checkSql(const QString &sql, const QString &path)
    {
        static const QRegularExpression call(
            QStringLiteral("\\bvar\\(\\s*(['\"])([^'\"]+)\\1\\s*(?:,\\s*([^)]*?))?\\s*\\)"));
        for (auto it = call.globalMatch(sql); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            const auto [l, c] = position(sql, m.capturedStart(), 1, 1);
            value(m.captured(2), m.captured(3), path, l, c);
        }
    }

    // `key=var('name'[, default])` inside a SQL `config()` call.
    std::optional<QJsonValue> quiet(const QString &name, const QString &defaultText) const
    {
        if (const auto it = m_values.constFind(name); it != m_values.cend())
            return *it;
        if (!defaultText.trimmed().isEmpty())
            return literal(defaultText.trimmed());
        return std::nullopt;
    }

    static QJsonValue literal(const QString &text)
    {
        if (text.size() >= 2
            && ((text.startsWith(QLatin1Char('\'')) && text.endsWith(QLatin1Char('\'')))
                || (text.startsWith(QLatin1Char('"')) && text.endsWith(QLatin1Char('"')))))
            return text.mid(1, text.size() - 2);
        if (text == QLatin1String("true") || text == QLatin1String("True"))
            return true;
        if (text == QLatin1String("false") || text == QLatin1String("False"))
            return false;
        if (text == QLatin1String("none") || text == QLatin1String("None"))
            return QJsonValue::Null;
        bool isNumber = false;
        const double d = text.toDouble(&isNumber);
        if (isNumber)
            return d;
        if (text.startsWith(QLatin1Char('[')) || text.startsWith(QLatin1Char('{'))) {
            // A Python/Jinja literal: single quotes read as JSON's double quotes.
            QString json = text;
            json.replace(QLatin1Char('\''), QLatin1Char('"'));
            const QJsonDocument doc = QJsonDocument::fromJson(
                QByteArray(QByteArrayLiteral("{\"v\":") + json.toUtf8() + '}'));
            if (doc.isObject())
                return doc.object().value(QStringLiteral("v"));
        }
        return text;
    }

private:
    static QString scalarText(const QJsonValue &v)
    {
        if (v.isString())
            return v.toString();
        if (v.isBool())
            return v.toBool() ? QStringLiteral("True") : QStringLiteral("False");
        if (v.isDouble())
            return QString::number(v.toDouble());
        if (v.isNull())
            return QStringLiteral("None");
        return QString::fromUtf8(
            QJsonDocument(v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject()))
                .toJson(QJsonDocument::Compact));
    }

    static std::pair<int, int> position(const QString &text, qsizetype offset, int line, int column)
    {
        const QStringView before = QStringView(text).left(offset);
        const qsizetype newlines = before.count(QLatin1Char('\n'));
        if (newlines == 0)
            return {line, column + int(offset)};
        return {line + int(newlines), int(offset - before.lastIndexOf(QLatin1Char('\n')))};
    }

    Reader &m_reader;
    QHash<QString, QJsonValue> m_values;
};

// A YAML node as JSON with the `{{ var() }}` expressions of its scalars resolved,
// each located where it is written. A scalar whose var is undefined stays as
// written when `keepUnresolved` (test arguments: the test is still kept), else
// it is left out (a config key then takes its default). Without vars: toJson().
QJsonValue resolvedJson(const YamlNode &node, Vars *vars, const QString &path,
                        bool keepUnresolved = false)
{
    if (!vars)
        return node.toJson();
    if (node.isScalar()) {
        const auto v = vars->resolve(node, path);
        return v ? *v : keepUnresolved ? node.toJson() : QJsonValue(QJsonValue::Undefined);
    }
    if (node.isSequence()) {
        QJsonArray out;
        for (const YamlNode &i : node.items)
            if (const QJsonValue v = resolvedJson(i, vars, path, keepUnresolved); !v.isUndefined())
                out.append(v);
        return out;
    }
    if (node.isMapping()) {
        QJsonObject out;
        for (const YamlEntry &e : node.entries)
            if (const QJsonValue v = resolvedJson(e.value, vars, path, keepUnresolved);
                !v.isUndefined())
                out.insert(e.key.text, v);
        return out;
    }
    return node.toJson();
}

// `{{ doc("name") }}` references resolved against the project's doc blocks.
QString resolveDocs(QString text, const QHash<QString, QString> &docs)
{
    static const QRegularExpression docRef(
        QStringLiteral("\\{\\{\\s*doc\\(\\s*['\"]([A-Za-z0-9_]+)['\"]\\s*\\)\\s*\\}\\}"));
    QRegularExpressionMatch m;
    int from = 0;
    while ((m = docRef.match(text, from)).hasMatch()) {
        const auto it = docs.constFind(m.captured(1));
        if (it == docs.cend()) {
            from = m.capturedEnd();
            continue;
        }
        text.replace(m.capturedStart(), m.capturedLength(), *it);
        from = m.capturedStart() + it->size();
    }
    return text.trimmed();
}

// A test entry: `unique`, `{relationships: {to: ..., field: ...}}`,
// `{name: my_test, test_name: accepted_values, values: [...]}` or a package test.
std::optional<DbtTest> parseTest(const YamlNode &item, const QString &columnName, Vars *vars,
                                 const QString &path)
{
    DbtTest test;
    QString fullName;
    if (item.isScalar()) {
        fullName = item.text;
    } else if (item.isMapping() && !item.entries.empty()) {
        const YamlNode *testName = item.find(u"test_name");
        if (testName) {
            fullName = scalar(testName);
            test.kwargs = resolvedJson(item, vars, path, true).toObject();
            test.kwargs.remove(QStringLiteral("test_name"));
            test.kwargs.remove(QStringLiteral("name"));
        } else {
            const YamlEntry &first = item.entries.front();
            fullName = first.key.text;
            test.kwargs = resolvedJson(first.value, vars, path, true).toObject();
        }
        // dbt 1.10 nests the arguments under `arguments:`.
        const QJsonObject arguments = test.kwargs.take(QStringLiteral("arguments")).toObject();
        for (auto it = arguments.begin(); it != arguments.end(); ++it)
            test.kwargs.insert(it.key(), it.value());
    }
    if (fullName.isEmpty())
        return std::nullopt;
    const int dot = fullName.lastIndexOf(QLatin1Char('.'));
    test.package = dot > 0 ? fullName.left(dot) : QStringLiteral("dbt");
    test.name = dot > 0 ? fullName.mid(dot + 1) : fullName;
    if (!columnName.isEmpty() && !test.kwargs.contains(QStringLiteral("column_name")))
        test.kwargs.insert(QStringLiteral("column_name"), columnName);
    return test;
}

QList<DbtTest> parseTests(const YamlNode &owner, const QString &columnName, Vars *vars,
                          const QString &path)
{
    QList<DbtTest> tests;
    for (const auto key : {u"tests", u"data_tests"}) {
        const YamlNode *list = owner.find(key);
        if (!list || !list->isSequence())
            continue;
        for (const YamlNode &item : list->items)
            if (auto t = parseTest(item, columnName, vars, path))
                tests << *t;
    }
    return tests;
}

QList<DbtColumn> parseColumns(const YamlNode &owner, const QHash<QString, QString> &docs,
                              Vars *vars, const QString &path)
{
    QList<DbtColumn> columns;
    const YamlNode *list = owner.find(u"columns");
    if (!list || !list->isSequence())
        return columns;
    for (const YamlNode &item : list->items) {
        if (!item.isMapping())
            continue;
        DbtColumn c;
        c.name = scalar(item.find(u"name"));
        if (c.name.isEmpty())
            continue;
        c.description = resolveDocs(scalar(item.find(u"description")), docs);
        c.dataType = scalar(item.find(u"data_type"));
        if (const YamlNode *tags = item.find(u"tags"))
            c.tags = stringList(tags->toJson());
        if (const YamlNode *config = item.find(u"config"); config && config->find(u"tags"))
            c.tags += stringList(config->find(u"tags")->toJson());
        c.tests = parseTests(item, c.name, vars, path);
        columns << c;
    }
    return columns;
}

// Folder-level model config from dbt_project.yml (`models: <project>: staging: +schema: x`).
struct FolderConfig
{
    QString folder; // relative to the model path, "" for the whole project
    QJsonObject config;
};

bool isConfigKey(const QString &key, const YamlNode &value)
{
    if (key.startsWith(QLatin1Char('+')))
        return true;
    // Without '+', a mapping is a sub-folder unless it is a known mapping-valued config.
    static const QStringList mappingConfigs {QStringLiteral("meta"), QStringLiteral("docs"),
                                             QStringLiteral("persist_docs"),
                                             QStringLiteral("contract")};
    return !value.isMapping() || mappingConfigs.contains(key);
}

void collectFolderConfig(const YamlNode &node, const QString &folder, QList<FolderConfig> &out,
                         Vars &vars)
{
    FolderConfig here {folder, {}};
    for (const YamlEntry &e : node.entries) {
        const QString key = e.key.text;
        if (isConfigKey(key, e.value)) {
            here.config.insert(key.startsWith(QLatin1Char('+')) ? key.mid(1) : key,
                               resolvedJson(e.value, &vars, QStringLiteral("dbt_project.yml")));
        } else {
            collectFolderConfig(e.value, folder.isEmpty() ? key : folder + QLatin1Char('/') + key,
                                out, vars);
        }
    }
    if (!here.config.isEmpty())
        out << here;
}

// `{{ config(alias='x', schema="y", enabled=false, tags=['a']) }}` in a model's SQL.
QJsonObject sqlConfig(const QString &sql, const Vars &vars)
{
    QJsonObject config;
    static const QRegularExpression call(QStringLiteral("\\{\\{-?\\s*config\\s*\\("));
    const QRegularExpressionMatch m = call.match(sql);
    if (!m.hasMatch())
        return config;
    // The arguments up to the matching parenthesis: they may hold var() calls.
    qsizetype end = m.capturedEnd();
    QChar quote;
    for (int depth = 1; end < sql.size(); ++end) {
        const QChar c = sql.at(end);
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            quote = c;
        } else if (c == QLatin1Char('(')) {
            ++depth;
        } else if (c == QLatin1Char(')') && --depth == 0) {
            break;
        }
    }
    const QString args = sql.mid(m.capturedEnd(), end - m.capturedEnd());
    static const QRegularExpression quoted(
        QStringLiteral("\\b([A-Za-z_]+)\\s*=\\s*['\"]([^'\"]*)['\"]"));
    for (auto it = quoted.globalMatch(args); it.hasNext();) {
        const auto q = it.next();
        config.insert(q.captured(1), q.captured(2));
    }
    static const QRegularExpression boolean(
        QStringLiteral("\\b([A-Za-z_]+)\\s*=\\s*(true|false|True|False)\\b"));
    for (auto it = boolean.globalMatch(args); it.hasNext();) {
        const auto b = it.next();
        config.insert(b.captured(1), b.captured(2).toLower() == QLatin1String("true"));
    }
    // `schema=var('mart_schema', 'marts')`; an undefined var leaves the key unset
    // (Vars::checkSql reports it with its location).
    static const QRegularExpression var(QStringLiteral(
        "\\b([A-Za-z_]+)\\s*=\\s*var\\(\\s*['\"]([^'\"]+)['\"]\\s*(?:,\\s*([^)]*?))?\\s*\\)"));
    for (auto it = var.globalMatch(args); it.hasNext();) {
        const auto v = it.next();
        if (const auto value = vars.quiet(v.captured(2), v.captured(3)))
            config.insert(v.captured(1), *value);
    }
    static const QRegularExpression list(QStringLiteral("\\btags\\s*=\\s*\\[([^\\]]*)\\]"));
    if (const auto l = list.match(args); l.hasMatch()) {
        QJsonArray tags;
        static const QRegularExpression item(QStringLiteral("['\"]([^'\"]+)['\"]"));
        for (auto it = item.globalMatch(l.captured(1)); it.hasNext();)
            tags.append(it.next().captured(1));
        config.insert(QStringLiteral("tags"), tags);
    }
    return config;
}

QString targetSchemaFromProfiles(Reader &reader, const QString &profileName)
{
    if (profileName.isEmpty() || !reader.files().exists(QStringLiteral("profiles.yml")))
        return {};
    const auto doc = reader.yaml(QStringLiteral("profiles.yml"));
    if (!doc || !doc->root())
        return {};
    const YamlNode *profile = doc->root()->find(profileName);
    if (!profile || !profile->isMapping())
        return {};
    const QString target = scalar(profile->find(u"target"));
    const YamlNode *outputs = profile->find(u"outputs");
    const YamlNode *output = outputs && outputs->isMapping()
        ? outputs->find(target.isEmpty() ? QStringLiteral("dev") : target)
        : nullptr;
    if (!output || !output->isMapping())
        return {};
    const QString schema = scalar(output->find(u"schema"));
    return schema.isEmpty() ? scalar(output->find(u"dataset")) : schema;
}

void mergeManifest(const QJsonObject &manifest, DbtProject &project, QList<DbtNode> &models,
                   QList<DbtNode> &sources)
{
    auto columnsOf = [](const QJsonObject &node) {
        QList<DbtColumn> columns;
        const QJsonObject cols = node.value(QStringLiteral("columns")).toObject();
        for (auto it = cols.begin(); it != cols.end(); ++it) {
            const QJsonObject c = it.value().toObject();
            DbtColumn column;
            column.name = c.value(QStringLiteral("name")).toString(it.key());
            column.description = c.value(QStringLiteral("description")).toString().trimmed();
            column.dataType = c.value(QStringLiteral("data_type")).toString();
            column.tags = stringList(c.value(QStringLiteral("tags")));
            columns << column;
        }
        return columns;
    };
    // Generic tests are separate nodes attached to their model or source.
    QHash<QString, QList<DbtTest>> testsByNode;
    const QJsonObject nodes = manifest.value(QStringLiteral("nodes")).toObject();
    for (auto it = nodes.begin(); it != nodes.end(); ++it) {
        const QJsonObject n = it.value().toObject();
        if (n.value(QStringLiteral("resource_type")).toString() != QLatin1String("test"))
            continue;
        const QJsonObject meta = n.value(QStringLiteral("test_metadata")).toObject();
        if (meta.isEmpty())
            continue; // a singular (SQL file) test: nothing to map
        QString attached = n.value(QStringLiteral("attached_node")).toString();
        if (attached.isEmpty()) {
            const QJsonArray dependsOn = n.value(QStringLiteral("depends_on"))
                                             .toObject()
                                             .value(QStringLiteral("nodes"))
                                             .toArray();
            if (!dependsOn.isEmpty())
                attached = dependsOn.last().toString();
        }
        DbtTest test;
        test.name = meta.value(QStringLiteral("name")).toString();
        const QString ns = meta.value(QStringLiteral("namespace")).toString();
        test.package = ns.isEmpty() ? QStringLiteral("dbt") : ns;
        test.kwargs = meta.value(QStringLiteral("kwargs")).toObject();
        test.kwargs.remove(QStringLiteral("model"));
        const QString column = n.value(QStringLiteral("column_name")).toString();
        if (!column.isEmpty())
            test.kwargs.insert(QStringLiteral("column_name"), column);
        testsByNode[attached] << test;
    }
    auto attachTests = [&](DbtNode &node, const QString &uniqueId) {
        for (const DbtTest &t : testsByNode.value(uniqueId)) {
            const QString column = t.kwargs.value(QStringLiteral("column_name")).toString();
            if (column.isEmpty()) {
                node.tests << t;
                continue;
            }
            auto c = std::find_if(node.columns.begin(), node.columns.end(),
                                  [&](const DbtColumn &x) { return x.name == column; });
            if (c == node.columns.end()) {
                node.columns << DbtColumn {column, {}, {}, {}, {}};
                c = node.columns.end() - 1;
            }
            c->tests << t;
        }
    };

    for (auto it = nodes.begin(); it != nodes.end(); ++it) {
        const QJsonObject n = it.value().toObject();
        if (n.value(QStringLiteral("resource_type")).toString() != QLatin1String("model"))
            continue;
        const QString name = n.value(QStringLiteral("name")).toString();
        auto existing = std::find_if(models.begin(), models.end(),
                                     [&](const DbtNode &m) { return m.name == name; });
        if (existing == models.end()) {
            DbtNode m;
            m.kind = DbtNode::Kind::Model;
            m.name = name;
            m.description = n.value(QStringLiteral("description")).toString().trimmed();
            m.columns = columnsOf(n);
            m.tags = stringList(n.value(QStringLiteral("tags")));
            m.config = n.value(QStringLiteral("config")).toObject();
            m.path = QStringLiteral("target/manifest.json");
            m.fromManifest = true;
            attachTests(m, it.key());
            models << m;
            existing = models.end() - 1;
        } else if (existing->tests.isEmpty()
                   && std::none_of(existing->columns.cbegin(), existing->columns.cend(),
                                   [](const DbtColumn &c) { return !c.tests.isEmpty(); })) {
            // Properties YAML is the source of truth for tests; the manifest fills a model
            // declared only in SQL.
            attachTests(*existing, it.key());
        }
        // The compiled relation is authoritative: it already applied
        // generate_schema_name and aliases.
        const QString alias = n.value(QStringLiteral("alias")).toString();
        if (!alias.isEmpty())
            existing->alias = alias;
        const QString schema = n.value(QStringLiteral("schema")).toString();
        if (!schema.isEmpty())
            existing->schema = schema;
        const QString database = n.value(QStringLiteral("database")).toString();
        if (!database.isEmpty())
            existing->database = database;
        if (existing->description.isEmpty())
            existing->description = n.value(QStringLiteral("description")).toString().trimmed();
        for (const DbtColumn &mc : columnsOf(n)) {
            auto c = std::find_if(existing->columns.begin(), existing->columns.end(),
                                  [&](const DbtColumn &x) { return x.name == mc.name; });
            if (c == existing->columns.end())
                existing->columns << mc;
            else if (c->description.isEmpty())
                c->description = mc.description;
        }
    }

    const QJsonObject manifestSources = manifest.value(QStringLiteral("sources")).toObject();
    for (auto it = manifestSources.begin(); it != manifestSources.end(); ++it) {
        const QJsonObject n = it.value().toObject();
        const QString sourceName = n.value(QStringLiteral("source_name")).toString();
        const QString name = n.value(QStringLiteral("name")).toString();
        auto existing = std::find_if(sources.begin(), sources.end(), [&](const DbtNode &s) {
            return s.sourceName == sourceName && s.name == name;
        });
        if (existing == sources.end()) {
            DbtNode s;
            s.kind = DbtNode::Kind::Source;
            s.sourceName = sourceName;
            s.name = name;
            s.description = n.value(QStringLiteral("description")).toString().trimmed();
            s.columns = columnsOf(n);
            s.tags = stringList(n.value(QStringLiteral("tags")));
            s.freshness = n.value(QStringLiteral("freshness")).toObject();
            s.loadedAtField = n.value(QStringLiteral("loaded_at_field")).toString();
            s.path = QStringLiteral("target/manifest.json");
            s.fromManifest = true;
            attachTests(s, it.key());
            sources << s;
            existing = sources.end() - 1;
        }
        const QString identifier = n.value(QStringLiteral("identifier")).toString();
        if (!identifier.isEmpty())
            existing->alias = identifier;
        const QString schema = n.value(QStringLiteral("schema")).toString();
        if (!schema.isEmpty())
            existing->schema = schema;
        const QString database = n.value(QStringLiteral("database")).toString();
        if (!database.isEmpty())
            existing->database = database;
    }
    Q_UNUSED(project);
}

} // namespace

namespace {
Result<DbtProject> readProject(const Files &files);
} // namespace

Result<DbtProject> DbtProject::load(const QString &rootDir)
{
    const QDir root(rootDir);
    if (rootDir.isEmpty() || !root.exists())
        return makeError(QStringLiteral("dbt_folder_missing"),
                         QStringLiteral("The dbt project folder %1 does not exist.").arg(rootDir),
                         QStringLiteral("Point source_dir at the folder holding dbt_project.yml."));
    if (!root.exists(QStringLiteral("dbt_project.yml")))
        return makeError(QStringLiteral("dbt_project_missing"),
                         QStringLiteral("%1 has no dbt_project.yml, so it is not a dbt project.")
                             .arg(QDir::toNativeSeparators(rootDir)),
                         QStringLiteral("Point source_dir (or path inside the repository) at the "
                                        "folder holding dbt_project.yml."));
    return readProject(Files(rootDir));
}

Result<DbtProject> DbtProject::fromFiles(const QMap<QString, QByteArray> &files)
{
    if (!files.contains(QStringLiteral("dbt_project.yml")))
        return makeError(QStringLiteral("dbt_project_missing"),
                         QStringLiteral("The files hold no dbt_project.yml, so they are not a dbt "
                                        "project."));
    return readProject(Files(files));
}

namespace {

Result<DbtProject> readProject(const Files &files)
{
    DbtProject project;
    Reader reader(files, project);
    Vars vars(reader);
    QList<FolderConfig> folderConfigs;
    QString profileName;
    if (const auto doc = reader.yaml(QStringLiteral("dbt_project.yml")); doc && doc->root()) {
        const YamlNode *r = doc->root();
        project.name = scalar(r->find(u"name"));
        profileName = scalar(r->find(u"profile"));
        vars.load(r->find(u"vars"), project.name);
        for (const auto key : {u"model-paths", u"source-paths"}) {
            if (const YamlNode *paths = r->find(key))
                project.modelPaths += stringList(paths->toJson());
        }
        if (const YamlNode *models = r->find(u"models"); models && models->isMapping()) {
            for (const YamlEntry &e : models->entries) {
                // Configs under the project's own name apply to its models; others
                // configure installed packages, which we do not read.
                if (e.key.text == project.name && e.value.isMapping())
                    collectFolderConfig(e.value, {}, folderConfigs, vars);
                else if (isConfigKey(e.key.text, e.value))
                    folderConfigs << FolderConfig {
                        {},
                        QJsonObject {
                            {e.key.text.mid(e.key.text.startsWith(QLatin1Char('+')) ? 1 : 0),
                             resolvedJson(e.value, &vars, QStringLiteral("dbt_project.yml"))}}};
            }
        }
    }
    if (project.modelPaths.isEmpty())
        project.modelPaths << QStringLiteral("models");
    project.modelPaths.removeDuplicates();
    // Least specific first, so deeper folders override.
    std::stable_sort(folderConfigs.begin(), folderConfigs.end(),
                     [](const FolderConfig &a, const FolderConfig &b) {
                         return a.folder.count(QLatin1Char('/')) + !a.folder.isEmpty()
                             < b.folder.count(QLatin1Char('/')) + !b.folder.isEmpty();
                     });
    project.targetSchema = targetSchemaFromProfiles(reader, profileName);

    // Every file under the model paths, in a stable order.
    QStringList sqlFiles, yamlFiles, docFiles;
    QHash<QString, QString> modelPathOf; // file -> the model path it sits under
    for (const QString &modelPath : std::as_const(project.modelPaths)) {
        if (!files.isDir(modelPath)) {
            project.skipped << SkippedItem {QStringLiteral("model path %1").arg(modelPath),
                                            QStringLiteral("the folder does not exist"),
                                            QStringLiteral("dbt_project.yml"), 0};
            continue;
        }
        for (const QString &relative : files.filesUnder(modelPath)) {
            modelPathOf.insert(relative, modelPath);
            if (relative.endsWith(QLatin1String(".sql")) || relative.endsWith(QLatin1String(".py")))
                sqlFiles << relative;
            else if (relative.endsWith(QLatin1String(".yml"))
                     || relative.endsWith(QLatin1String(".yaml")))
                yamlFiles << relative;
            else if (relative.endsWith(QLatin1String(".md")))
                docFiles << relative;
        }
    }
    std::sort(sqlFiles.begin(), sqlFiles.end());
    std::sort(yamlFiles.begin(), yamlFiles.end());
    std::sort(docFiles.begin(), docFiles.end());

    QHash<QString, QString> docs;
    static const QRegularExpression docBlock(
        QStringLiteral(
            "\\{%-?\\s*docs\\s+([A-Za-z0-9_]+)\\s*-?%\\}(.*?)\\{%-?\\s*enddocs\\s*-?%\\}"),
        QRegularExpression::DotMatchesEverythingOption);
    for (const QString &file : std::as_const(docFiles)) {
        const auto bytes = reader.read(file);
        if (!bytes)
            continue;
        const QString text = QString::fromUtf8(*bytes);
        for (auto it = docBlock.globalMatch(text); it.hasNext();) {
            const auto m = it.next();
            docs.insert(m.captured(1), m.captured(2).trimmed());
        }
    }

    QList<DbtNode> models;
    QHash<QString, int> modelIndex;
    for (const QString &file : std::as_const(sqlFiles)) {
        const auto bytes = reader.read(file);
        if (!bytes)
            continue;
        DbtNode m;
        m.kind = DbtNode::Kind::Model;
        m.name = QFileInfo(file).completeBaseName();
        m.sqlPath = file;
        m.path = file;
        m.line = 1;
        const QString sql = QString::fromUtf8(*bytes);
        m.config = sqlConfig(sql, vars);
        vars.checkSql(sql, file);
        if (const auto it = modelIndex.constFind(m.name); it != modelIndex.cend()) {
            project.errors << SourceFileIssue {
                file, 1, 1,
                QStringLiteral("duplicate model name '%1': %2 also defines it; dbt requires "
                               "unique model names, so this file is ignored")
                    .arg(m.name, models.at(*it).sqlPath)};
            continue;
        }
        modelIndex.insert(m.name, int(models.size()));
        models << m;
    }

    QList<DbtNode> sources;
    QHash<QString, QString> propertiesOf; // model -> the properties file that described it
    for (const QString &file : std::as_const(yamlFiles)) {
        const auto doc = reader.yaml(file);
        if (!doc || !doc->root() || !doc->root()->isMapping())
            continue;
        const YamlNode *r = doc->root();
        if (const YamlNode *list = r->find(u"models"); list && list->isSequence()) {
            for (const YamlNode &item : list->items) {
                const QString name = item.isMapping() ? scalar(item.find(u"name")) : QString();
                if (name.isEmpty()) {
                    reader.issue(file, &item, QStringLiteral("a model entry without a name"));
                    continue;
                }
                if (propertiesOf.contains(name)) {
                    reader.issue(file, item.find(u"name"),
                                 QStringLiteral("duplicate model name '%1': it is already "
                                                "described in %2; this entry is ignored")
                                     .arg(name, propertiesOf.value(name)));
                    continue;
                }
                const auto idx = modelIndex.constFind(name);
                if (idx == modelIndex.cend()) {
                    project.skipped << SkippedItem {
                        QStringLiteral("model %1").arg(name),
                        QStringLiteral("described in properties but no model file %1.sql exists")
                            .arg(name),
                        file, item.start.line};
                    continue;
                }
                propertiesOf.insert(name, file);
                DbtNode &m = models[*idx];
                m.path = file;
                m.line = item.start.line;
                m.description = resolveDocs(scalar(item.find(u"description")), docs);
                m.columns = parseColumns(item, docs, &vars, file);
                m.tests = parseTests(item, {}, &vars, file);
                if (const YamlNode *config = item.find(u"config"); config && config->isMapping()) {
                    const QJsonObject c = resolvedJson(*config, &vars, file).toObject();
                    for (auto it = c.begin(); it != c.end(); ++it)
                        if (!m.config.contains(it.key())) // SQL config() wins, as in dbt
                            m.config.insert(it.key(), it.value());
                }
                if (const YamlNode *tags = item.find(u"tags"))
                    m.tags += stringList(tags->toJson());
            }
        }
        if (const YamlNode *list = r->find(u"sources"); list && list->isSequence()) {
            for (const YamlNode &item : list->items) {
                const QString sourceName
                    = item.isMapping() ? scalar(item.find(u"name")) : QString();
                if (sourceName.isEmpty()) {
                    reader.issue(file, &item, QStringLiteral("a source entry without a name"));
                    continue;
                }
                const auto resolvedScalar = [&](const YamlNode *node) {
                    if (!node || !node->isScalar() || node->isNull())
                        return QString();
                    const QJsonValue v = resolvedJson(*node, &vars, file);
                    return v.isString() ? v.toString() : QString();
                };
                const QString schema = resolvedScalar(item.find(u"schema"));
                const QString database = resolvedScalar(item.find(u"database"));
                const QString loadedAt = scalar(item.find(u"loaded_at_field"));
                const QJsonObject freshness = item.find(u"freshness")
                    ? item.find(u"freshness")->toJson().toObject()
                    : QJsonObject();
                const QStringList tags
                    = item.find(u"tags") ? stringList(item.find(u"tags")->toJson()) : QStringList();
                const YamlNode *tables = item.find(u"tables");
                if (!tables || !tables->isSequence())
                    continue;
                for (const YamlNode &t : tables->items) {
                    DbtNode s;
                    s.kind = DbtNode::Kind::Source;
                    s.sourceName = sourceName;
                    s.name = t.isMapping() ? scalar(t.find(u"name")) : QString();
                    if (s.name.isEmpty()) {
                        reader.issue(file, &t, QStringLiteral("a source table without a name"));
                        continue;
                    }
                    if (project.source(sourceName, s.name)
                        || std::any_of(sources.cbegin(), sources.cend(), [&](const DbtNode &x) {
                               return x.sourceName == sourceName && x.name == s.name;
                           })) {
                        reader.issue(file, t.find(u"name"),
                                     QStringLiteral("duplicate source table '%1.%2'; this entry is "
                                                    "ignored")
                                         .arg(sourceName, s.name));
                        continue;
                    }
                    s.alias = resolvedScalar(t.find(u"identifier"));
                    s.schema = schema.isEmpty() ? sourceName : schema;
                    s.database = database;
                    // The source's own description is about the group, not this table.
                    s.description = resolveDocs(scalar(t.find(u"description")), docs);
                    s.columns = parseColumns(t, docs, &vars, file);
                    s.tests = parseTests(t, {}, &vars, file);
                    s.loadedAtField = scalar(t.find(u"loaded_at_field"));
                    if (s.loadedAtField.isEmpty())
                        s.loadedAtField = loadedAt;
                    // A table's own freshness replaces the source's; `freshness: null` turns it
                    // off.
                    if (const YamlNode *f = t.find(u"freshness"))
                        s.freshness = f->toJson().toObject();
                    else
                        s.freshness = freshness;
                    s.tags = tags;
                    if (const YamlNode *tt = t.find(u"tags"))
                        s.tags += stringList(tt->toJson());
                    s.path = file;
                    s.line = t.start.line;
                    sources << s;
                }
            }
        }
    }

    // Folder configs: the deepest folder containing the model's file wins per key.
    for (DbtNode &m : models) {
        const QString modelPath = modelPathOf.value(m.sqlPath);
        const QString inFolder = QFileInfo(m.sqlPath.mid(modelPath.size() + 1)).path();
        QJsonObject folderConfig; // least specific first, so deeper folders override
        for (const FolderConfig &fc : std::as_const(folderConfigs)) {
            const bool applies = fc.folder.isEmpty() || inFolder == fc.folder
                || inFolder.startsWith(fc.folder + QLatin1Char('/'));
            if (!applies)
                continue;
            for (auto it = fc.config.begin(); it != fc.config.end(); ++it) {
                if (it.key() == QLatin1String("tags"))
                    m.tags += stringList(it.value()); // tags accumulate in dbt
                else
                    folderConfig.insert(it.key(), it.value());
            }
        }
        // SQL config() and properties config win over dbt_project.yml.
        for (auto it = folderConfig.begin(); it != folderConfig.end(); ++it)
            if (!m.config.contains(it.key()))
                m.config.insert(it.key(), it.value());
        m.tags += stringList(m.config.value(QStringLiteral("tags")));
        m.alias = m.config.value(QStringLiteral("alias")).toString();
        m.customSchema = m.config.value(QStringLiteral("schema")).toString();
        m.database = m.config.value(QStringLiteral("database")).toString();
        // dbt's default generate_schema_name: <target>_<custom>, or the target schema.
        if (!project.targetSchema.isEmpty())
            m.schema = m.customSchema.isEmpty()
                ? project.targetSchema
                : project.targetSchema + QLatin1Char('_') + m.customSchema;
    }

    const QString manifestPath = QStringLiteral("target/manifest.json");
    if (files.exists(manifestPath)) {
        if (const auto bytes = reader.read(manifestPath)) {
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(*bytes, &error);
            if (error.error != QJsonParseError::NoError || !doc.isObject()) {
                // Qt reports a byte offset; turn it into line:column for editors.
                const QByteArray before = bytes->left(error.offset);
                const int line = int(before.count('\n')) + 1;
                const int column = int(error.offset - (before.lastIndexOf('\n') + 1)) + 1;
                project.errors << SourceFileIssue {
                    manifestPath, line, column,
                    QStringLiteral("invalid JSON: %1").arg(error.errorString())};
            } else {
                project.hasManifest = true;
                mergeManifest(doc.object(), project, models, sources);
            }
        }
    } else {
        project.skipped << SkippedItem {
            manifestPath,
            QStringLiteral("not present (dbt has not compiled this project); relations come "
                           "from config and the model names"),
            {},
            0};
    }

    for (DbtNode &m : models) {
        if (m.alias.isEmpty())
            m.alias = m.name;
        m.tags.removeDuplicates();
    }
    for (DbtNode &s : sources) {
        if (s.alias.isEmpty())
            s.alias = s.name;
        s.tags.removeDuplicates();
    }
    // Disabled models build nothing.
    for (auto it = models.begin(); it != models.end();) {
        // `enabled: "{{ var('x') }}"` inside a larger string resolves to text.
        const QJsonValue enabled = it->config.value(QStringLiteral("enabled"));
        if (enabled.isString()
                ? enabled.toString().trimmed().compare(QLatin1String("false"), Qt::CaseInsensitive)
                    != 0
                : enabled.toBool(true)) {
            ++it;
            continue;
        }
        project.skipped << SkippedItem {QStringLiteral("model %1").arg(it->name),
                                        QStringLiteral("disabled (enabled: false)"), it->path,
                                        it->line};
        it = models.erase(it);
    }
    std::sort(models.begin(), models.end(),
              [](const DbtNode &a, const DbtNode &b) { return a.name < b.name; });
    std::sort(sources.begin(), sources.end(), [](const DbtNode &a, const DbtNode &b) {
        return std::tie(a.sourceName, a.name) < std::tie(b.sourceName, b.name);
    });
    project.models = models;
    project.sources = sources;
    project.filesRead.sort();
    project.filesRead.removeDuplicates();
    std::sort(project.errors.begin(), project.errors.end(),
              [](const SourceFileIssue &a, const SourceFileIssue &b) {
                  return std::tie(a.path, a.line, a.column) < std::tie(b.path, b.line, b.column);
              });
    return project;
}

} // namespace

} // namespace ktx
