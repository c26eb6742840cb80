#include "sources/lookmlsourceparser.h"

#include "project/yamldocument.h"
#include "project/yamleditor.h"
#include "project/yamlvalue.h"
#include "semantic/sourcefilename.h"
#include "semantic/sourceloader.h"
#include "sources/lookmlparser.h"
#include "sources/sourceyamlmerge.h"
#include "wiki/wikipage.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <functional>
#include <optional>

namespace ktx {

namespace {

const QString kTable = QStringLiteral("TABLE");

struct View
{
    QString name;
    QString file;
    int line = 0;
    LookmlNode node; // the view block, refinements applied, extends resolved
};

struct Column
{
    QString field; // the LookML dimension name
    QString name; // the ktx column
    QString type;
    QString expr; // computed; empty for a physical column
    QString description;
    bool hidden = false;
    bool time = false;
};

struct Measure
{
    QString name;
    QString expr;
    QString filter;
    QString description;
    bool derived = false; // type: number, references other measures by name
};

struct Join
{
    QString to, on, relationship, alias;
};

// What one view produces.
struct ViewOut
{
    QString source; // the ktx source name (manifest key or view name)
    bool overlay = false;
    QString sql; // standalone
    QString table; // the manifest table an overlay composes on
    QSet<QString> tableColumns; // lower-case physical columns of that table
    QHash<QString, QString> tableColumnNames; // lower-case -> as spelled
    QList<Column> columns;
    QHash<QString, Column> byField; // dimension name -> column
    QList<Measure> measures;
    QList<Join> joins;
    QString grain;
    QString description;
};

bool isIdentifier(const QString &text)
{
    static const QRegularExpression id(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    return id.match(text).hasMatch();
}

QString paren(const QString &sql)
{
    return isIdentifier(sql) ? sql : QStringLiteral("(%1)").arg(sql);
}

// Attribute-wise merge: keys of `over` replace those of `base`; fields merge
// by kind and name the same way (Looker's rule for refinements and extends).
void mergeBlock(LookmlNode &base, const LookmlNode &over)
{
    static const QStringList fieldKinds {
        QStringLiteral("dimension"), QStringLiteral("dimension_group"), QStringLiteral("measure"),
        QStringLiteral("filter"),    QStringLiteral("parameter"),       QStringLiteral("join")};
    for (const LookmlNode &c : over.children) {
        LookmlNode *existing = nullptr;
        for (LookmlNode &b : base.children) {
            if (b.key != c.key)
                continue;
            if (fieldKinds.contains(c.key) && b.name != c.name)
                continue;
            existing = &b;
            break;
        }
        if (!existing)
            base.children.append(c);
        else if (fieldKinds.contains(c.key))
            mergeBlock(*existing, c);
        else
            *existing = c;
    }
}

YamlValue looker(const QString &text)
{
    YamlValue d = YamlValue::mapping();
    d.insert(QStringLiteral("looker"), YamlValue::string(text));
    return d;
}

QString unquoteTable(QString table)
{
    table.remove(QLatin1Char('`'));
    table.remove(QLatin1Char('"'));
    return table.trimmed();
}

// A model file: the Looker connection it runs on and the files it includes.
struct ModelFile
{
    QString file;
    QString name; // the file name without .model.lkml
    QString connection;
    int connectionLine = 0;
    QSet<QString> files; // what its include: statements name (and the file itself)
};

// `include:` to a regular expression over paths relative to the project root:
// `/views/*.view.lkml` from the root, `*.view` beside the including file (the
// `.lkml` is implied), `**` across folders. Empty for `//other_project/...`.
QString includePattern(QString include, const QString &fromFile)
{
    if (include.startsWith(QLatin1String("//")))
        return {};
    if (include.startsWith(QLatin1Char('/')))
        include = include.mid(1);
    else if (const QString dir = QFileInfo(fromFile).path(); dir != QLatin1String("."))
        include = dir + QLatin1Char('/') + include;
    if (!include.endsWith(QLatin1String(".lkml")) && !include.endsWith(QLatin1Char('*')))
        include += QStringLiteral(".lkml");
    QString re;
    for (qsizetype i = 0; i < include.size(); ++i) {
        if (include.mid(i, 3) == QLatin1String("**/")) {
            re += QStringLiteral("(?:.*/)?");
            i += 2;
        } else if (include.mid(i, 2) == QLatin1String("**")) {
            re += QStringLiteral(".*");
            ++i;
        } else if (include.at(i) == QLatin1Char('*')) {
            re += QStringLiteral("[^/]*");
        } else {
            re += QRegularExpression::escape(include.at(i));
        }
    }
    return QStringLiteral("^") + re + QStringLiteral("$");
}

class Project
{
public:
    ContextSourceReport report;
    QMap<QString, View> views; // by name, sorted
    QList<std::pair<QString, LookmlNode>> explores; // (file, block) in file order
    QMap<QString, ModelFile> modelFiles; // by file

    void read(const QString &rootDir)
    {
        report.driver = QStringLiteral("lookml");
        const QDir root(rootDir);
        QStringList files;
        QDirIterator it(rootDir, {QStringLiteral("*.lkml")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            files << root.relativeFilePath(it.next());
        files.sort();
        QList<std::pair<QString, LookmlNode>> refinements;
        QList<std::pair<QString, LookmlNode>> exploreRefinements;
        QList<std::pair<QString, LookmlNode>> includes;
        for (const QString &rel : std::as_const(files)) {
            QFile file(root.filePath(rel));
            if (!file.open(QIODevice::ReadOnly)) {
                report.errors.append({rel, 0, 0, file.errorString()});
                continue;
            }
            report.filesRead << rel;
            if (rel.endsWith(QLatin1String(".model.lkml")))
                ++report.models;
            LookmlParser::Parsed parsed = LookmlParser::parse(file.readAll(), rel);
            report.errors.append(parsed.errors);
            if (rel.endsWith(QLatin1String(".model.lkml"))) {
                ModelFile m;
                m.file = rel;
                m.name = QFileInfo(rel).fileName().chopped(QStringLiteral(".model.lkml").size());
                if (const LookmlNode *c = parsed.root.child(QStringLiteral("connection"))) {
                    m.connection = c->value;
                    m.connectionLine = c->line;
                }
                m.files.insert(rel);
                for (const LookmlNode *inc : parsed.root.childrenNamed(QStringLiteral("include")))
                    includes.append({rel, *inc});
                modelFiles.insert(rel, m);
            }
            for (const LookmlNode &n : std::as_const(parsed.root.children)) {
                if (n.kind != LookmlNode::Kind::Block)
                    continue;
                if (n.key == QLatin1String("view")) {
                    if (n.name.startsWith(QLatin1Char('+'))) {
                        refinements.append({rel, n});
                    } else if (views.contains(n.name)) {
                        report.errors.append({rel, n.line, n.column,
                                              QStringLiteral("view '%1' is also declared in %2; "
                                                             "this one is ignored")
                                                  .arg(n.name, views.value(n.name).file)});
                    } else {
                        views.insert(n.name, {n.name, rel, n.line, n});
                        ++report.views;
                    }
                } else if (n.key == QLatin1String("explore")) {
                    if (n.name.startsWith(QLatin1Char('+'))) {
                        exploreRefinements.append({rel, n});
                    } else {
                        explores.append({rel, n});
                        ++report.explores;
                    }
                }
            }
        }
        // What each model includes, matched against the files read.
        for (const auto &[rel, inc] : std::as_const(includes)) {
            QStringList patterns = inc.items;
            if (inc.kind == LookmlNode::Kind::Value)
                patterns << inc.value;
            for (const QString &include : std::as_const(patterns)) {
                const QString pattern = includePattern(include, rel);
                if (pattern.isEmpty()) {
                    report.skipped.append(
                        {QStringLiteral("include %1").arg(include),
                         QStringLiteral("a file of another LookML project (project import); only "
                                        "this project's files are read"),
                         rel, inc.line});
                    continue;
                }
                const QRegularExpression re(pattern);
                bool matched = false;
                for (const QString &f : std::as_const(files))
                    if (re.match(f).hasMatch()) {
                        modelFiles[rel].files.insert(f);
                        matched = true;
                    }
                if (!matched)
                    report.skipped.append({QStringLiteral("include %1").arg(include),
                                           QStringLiteral("matches no file of the project"), rel,
                                           inc.line});
            }
        }
        // Refinements apply in file order, before extends (as Looker does).
        for (const auto &[rel, n] : std::as_const(refinements)) {
            const QString target = n.name.mid(1);
            if (!views.contains(target)) {
                report.errors.append(
                    {rel, n.line, n.column,
                     QStringLiteral("refinement of unknown view '%1'").arg(target)});
                continue;
            }
            mergeBlock(views[target].node, n);
        }
        for (const auto &[rel, n] : std::as_const(exploreRefinements)) {
            bool found = false;
            for (auto &[f, e] : explores)
                if (e.name == n.name.mid(1)) {
                    mergeBlock(e, n);
                    found = true;
                }
            if (!found)
                report.errors.append(
                    {rel, n.line, n.column,
                     QStringLiteral("refinement of unknown explore '%1'").arg(n.name.mid(1))});
        }
        QMap<QString, View> resolved;
        for (const QString &name : views.keys()) {
            QSet<QString> visiting;
            resolved.insert(name, resolveExtends(name, visiting));
        }
        views = resolved;
    }

private:
    View resolveExtends(const QString &name, QSet<QString> &visiting)
    {
        const View &view = views[name];
        const LookmlNode *ext = view.node.child(QStringLiteral("extends"));
        if (!ext)
            return view;
        if (visiting.contains(name)) {
            report.errors.append({view.file, ext->line, ext->column,
                                  QStringLiteral("view '%1' extends itself").arg(name)});
            return view;
        }
        visiting.insert(name);
        QStringList parents = ext->items;
        if (ext->kind == LookmlNode::Kind::Value)
            parents << ext->value;
        LookmlNode merged;
        merged.kind = LookmlNode::Kind::Block;
        for (const QString &p : std::as_const(parents)) {
            if (!views.contains(p)) {
                report.errors.append(
                    {view.file, ext->line, ext->column,
                     QStringLiteral("view '%1' extends unknown view '%2'").arg(name, p)});
                continue;
            }
            LookmlNode parent = resolveExtends(p, visiting).node;
            // `extension: required` belongs to the parent only.
            parent.children.removeIf([](const LookmlNode &c) {
                return c.key == QLatin1String("extension") || c.key == QLatin1String("extends");
            });
            mergeBlock(merged, parent);
        }
        visiting.remove(name);
        mergeBlock(merged, view.node);
        View out = view;
        merged.key = view.node.key;
        merged.name = view.node.name;
        merged.line = view.node.line;
        merged.column = view.node.column;
        out.node = merged;
        return out;
    }
};

// Maps one view's fields to columns and measures.
class ViewMapper
{
public:
    explicit ViewMapper(const View &view)
        : m_view(view)
    { }

    // `${TABLE}.col` -> col, `${dim}` -> its SQL; nullopt (with why) otherwise.
    std::optional<QString> resolve(const QString &sql, bool measures, QString *why, int depth = 0)
    {
        if (sql.contains(QLatin1String("{%")) || sql.contains(QLatin1String("{{"))) {
            *why = QStringLiteral("its SQL uses Liquid templating");
            return std::nullopt;
        }
        if (depth > 20) {
            *why = QStringLiteral("its SQL references form a cycle");
            return std::nullopt;
        }
        static const QRegularExpression ref(QStringLiteral("\\$\\{([^}]*)\\}"));
        QString out;
        qsizetype last = 0;
        QRegularExpressionMatchIterator it = ref.globalMatch(sql);
        while (it.hasNext()) {
            const QRegularExpressionMatch m = it.next();
            out += sql.mid(last, m.capturedStart() - last);
            last = m.capturedEnd();
            QString name = m.captured(1).trimmed();
            if (name == kTable) {
                // `${TABLE}.col` is the bare column: sources are queried unqualified.
                if (sql.mid(last, 1) == QLatin1String("."))
                    ++last;
                else
                    out += m_view.name;
                continue;
            }
            if (name.contains(QLatin1Char('.'))) {
                const QString viewPart = name.section(QLatin1Char('.'), 0, 0);
                if (viewPart != m_view.name) {
                    *why = QStringLiteral("it refers to another view's field ${%1}").arg(name);
                    return std::nullopt;
                }
                name = name.section(QLatin1Char('.'), 1);
            }
            if (measures) {
                if (field(QStringLiteral("measure"), name)) {
                    out += name; // a derived measure references the measure by name
                    continue;
                }
            }
            const std::optional<QString> dim = dimensionSql(name, why, depth + 1);
            if (!dim)
                return std::nullopt;
            out += paren(*dim);
        }
        out += sql.mid(last);
        return out.trimmed();
    }

    const LookmlNode *field(const QString &kind, const QString &name) const
    {
        for (const LookmlNode &c : m_view.node.children)
            if (c.key == kind && c.name == name)
                return &c;
        return nullptr;
    }

    std::optional<QString> dimensionSql(const QString &name, QString *why, int depth)
    {
        if (const LookmlNode *d = field(QStringLiteral("dimension"), name))
            return fieldSql(*d, why, depth);
        // A dimension group's timeframes: created_raw, created_time, created_date...
        for (const LookmlNode &c : m_view.node.children) {
            if (c.key != QLatin1String("dimension_group")
                || !name.startsWith(c.name + QLatin1Char('_')))
                continue;
            const QString frame = name.mid(c.name.size() + 1);
            const std::optional<QString> sql = fieldSql(c, why, depth);
            if (!sql)
                return std::nullopt;
            if (frame == QLatin1String("raw") || frame == QLatin1String("time"))
                return sql;
            if (frame == QLatin1String("date"))
                return QStringLiteral("CAST(%1 AS DATE)").arg(*sql);
            *why = QStringLiteral("it uses the %1 timeframe of ${%2}").arg(frame, c.name);
            return std::nullopt;
        }
        *why = QStringLiteral("it refers to ${%1}, which is not a dimension of view %2")
                   .arg(name, m_view.name);
        return std::nullopt;
    }

    std::optional<QString> fieldSql(const LookmlNode &f, QString *why, int depth)
    {
        const QString sql = f.text(QStringLiteral("sql"));
        if (sql.isEmpty())
            return f.name; // Looker's default: ${TABLE}.<name>
        std::optional<QString> out = resolve(sql, false, why, depth);
        // `${TABLE}."status"` is the column status; quotes matter only for
        // names that are not lower case.
        static const QRegularExpression quoted(QStringLiteral("^([\"`])([a-z_][a-z0-9_]*)\\1$"));
        if (out)
            if (const QRegularExpressionMatch m = quoted.match(*out); m.hasMatch())
                out = m.captured(2);
        return out;
    }

private:
    const View &m_view;
};

QString filterPredicate(const QString &column, const QString &type, const QString &value, bool *ok)
{
    *ok = true;
    const QString v = value.trimmed();
    auto literal = [&](const QString &x) {
        static const QRegularExpression number(QStringLiteral("^-?[0-9]+(\\.[0-9]+)?$"));
        if (type == QLatin1String("number") && number.match(x).hasMatch())
            return x;
        QString escaped = x;
        escaped.replace(QLatin1Char('\''), QStringLiteral("''"));
        return QStringLiteral("'%1'").arg(escaped);
    };
    if (type == QLatin1String("yesno")) {
        if (v == QLatin1String("yes") || v == QLatin1String("Yes"))
            return column;
        if (v == QLatin1String("no") || v == QLatin1String("No"))
            return QStringLiteral("NOT %1").arg(column);
    }
    if (v.compare(QLatin1String("NULL"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("%1 IS NULL").arg(column);
    if (v.compare(QLatin1String("-NULL"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("%1 IS NOT NULL").arg(column);
    static const QRegularExpression compare(QStringLiteral("^(>=|<=|>|<|!=)\\s*(-?[0-9.]+)$"));
    if (const QRegularExpressionMatch m = compare.match(v); m.hasMatch())
        return QStringLiteral("%1 %2 %3").arg(column, m.captured(1), m.captured(2));
    if (v.contains(QLatin1Char('%')) || v.contains(QLatin1Char('^')) || v.isEmpty()) {
        *ok = false;
        return {};
    }
    const QStringList parts = v.split(QLatin1Char(','), Qt::SkipEmptyParts);
    const bool negate = parts.first().trimmed().startsWith(QLatin1Char('-'));
    QStringList values;
    for (QString p : parts) {
        p = p.trimmed();
        if (p.startsWith(QLatin1Char('-')) != negate) {
            *ok = false; // mixed include/exclude lists
            return {};
        }
        values << literal(negate ? p.mid(1) : p);
    }
    if (values.size() == 1)
        return QStringLiteral("%1 %2 %3")
            .arg(column, negate ? QStringLiteral("<>") : QStringLiteral("="), values.first());
    return QStringLiteral("%1 %2 (%3)")
        .arg(column, negate ? QStringLiteral("NOT IN") : QStringLiteral("IN"),
             values.join(QStringLiteral(", ")));
}

QString tierCase(const QString &sql, const QStringList &tiers)
{
    QString out = QStringLiteral("CASE");
    const QString x = paren(sql);
    for (qsizetype i = 0; i < tiers.size(); ++i) {
        if (i == 0)
            out += QStringLiteral(" WHEN %1 < %2 THEN 'Below %2'").arg(x, tiers.at(0));
        if (i + 1 < tiers.size())
            out += QStringLiteral(" WHEN %1 < %2 THEN '%3 to %2'")
                       .arg(x, tiers.at(i + 1), tiers.at(i));
        else
            out += QStringLiteral(" WHEN %1 >= %2 THEN '%2 or Above'").arg(x, tiers.at(i));
    }
    return out + QStringLiteral(" ELSE NULL END");
}

// A semantic-layer file LookML wrote: some description (of the source or a
// column) carries the `looker` origin.
bool hasLookerOrigin(const YamlNode &node)
{
    for (const YamlEntry &e : node.entries) {
        if (e.key.text == QLatin1String("descriptions") && e.value.isMapping()
            && e.value.find(u"looker"))
            return true;
        if (hasLookerOrigin(e.value))
            return true;
    }
    for (const YamlNode &i : node.items)
        if (hasLookerOrigin(i))
            return true;
    return false;
}

// Or its SQL is exactly the derived table's (a re-ingest without evidence of
// the previous sync).
bool isLookmlSource(const QByteArray &bytes, const QString &derivedSql)
{
    const Result<YamlDocument> doc = YamlDocument::parse(bytes);
    if (!doc || !doc->root() || !doc->root()->isMapping())
        return false;
    const YamlNode *sql = doc->root()->find(u"sql");
    return hasLookerOrigin(*doc->root()) || (sql && sql->text.trimmed() == derivedSql.trimmed());
}

} // namespace

QString LookmlSourceParser::driver() const
{
    return QStringLiteral("lookml");
}

Result<ContextSourceReport> LookmlSourceParser::check(const QString &rootDir) const
{
    if (!QFileInfo(rootDir).isDir())
        return makeError(QStringLiteral("source_folder_missing"),
                         QStringLiteral("LookML folder %1 does not exist").arg(rootDir),
                         QStringLiteral("Check the source's path."));
    Project project;
    project.read(rootDir);
    return project.report;
}

Result<ContextSourceExtraction> LookmlSourceParser::extract(const ContextSourceInput &input) const
{
    if (!QFileInfo(input.rootDir).isDir())
        return makeError(QStringLiteral("source_folder_missing"),
                         QStringLiteral("LookML folder %1 does not exist").arg(input.rootDir),
                         QStringLiteral("Check the source's path."));
    Project project;
    project.read(input.rootDir);
    ContextSourceReport &report = project.report;
    ContextSourceExtraction out;
    auto skip = [&](const View &v, const QString &what, const QString &why, int line = 0) {
        report.skipped.append({what, why, v.file, line ? line : v.line});
    };

    if (input.warehouseConnectionId.isEmpty()) {
        for (const View &v : std::as_const(project.views))
            skip(v, QStringLiteral("view ") + v.name,
                 QStringLiteral("the LookML source maps to no warehouse connection, so it writes "
                                "no semantic sources"));
        out.report = report;
        return out;
    }
    const QString folder = QStringLiteral("semantic-layer/%1/").arg(input.warehouseConnectionId);

    // The warehouse's tables: manifest entries and ktx's own table sources.
    const QHash<QString, SemanticSource> tables
        = SourceYamlMerge::warehouseTables(input.baseFiles, folder);

    // Models on another Looker connection than the one this warehouse mirrors
    // write no semantic sources; their explores still reach the wiki.
    const QVariantMap mappings = input.connectionFields.value(QStringLiteral("mappings")).toMap();
    QString expectedConnection
        = mappings.value(QStringLiteral("expectedLookerConnectionName")).toString();
    if (expectedConnection.isEmpty())
        expectedConnection
            = input.connectionFields.value(QStringLiteral("expectedLookerConnectionName"))
                  .toString();
    QSet<QString> blocked; // model files
    for (const ModelFile &m : std::as_const(project.modelFiles)) {
        if (expectedConnection.isEmpty() || m.connection == expectedConnection)
            continue;
        blocked.insert(m.file);
        report.skipped.append(
            {QStringLiteral("model %1").arg(m.name),
             QStringLiteral("its connection \"%1\" is not the expected Looker connection \"%2\" "
                            "(mappings.expectedLookerConnectionName), so it writes no semantic "
                            "sources or joins; its explores are still described in the wiki")
                 .arg(m.connection, expectedConnection),
             m.file, m.connectionLine ? m.connectionLine : 1});
    }
    // The models whose include: reaches a file.
    const auto modelsIncluding = [&](const QString &file) {
        QStringList models;
        for (const ModelFile &m : std::as_const(project.modelFiles))
            if (m.files.contains(file))
                models << m.file;
        return models;
    };
    // Standalone sources LookML produced in its previous sync (derived tables),
    // so only a name someone else owns makes a derived table step aside.
    QSet<QString> previousDerived;
    for (auto it = input.previousFiles.cbegin(); it != input.previousFiles.cend(); ++it) {
        if (!it.key().endsWith(QLatin1String(".lkml")))
            continue;
        for (const LookmlNode &n : LookmlParser::parse(it.value(), it.key()).root.children)
            if (n.key == QLatin1String("view") && n.child(QStringLiteral("derived_table")))
                previousDerived.insert(n.name);
    }
    QHash<QString, QString> sourceFiles; // source name -> the file declaring it (not ours to take)
    for (auto it = input.baseFiles.cbegin(); it != input.baseFiles.cend(); ++it) {
        if (!it.key().startsWith(folder))
            continue;
        if (it.key().contains(QLatin1String("/_schema/"))) {
            for (const SemanticSource &t : tables)
                sourceFiles.insert(t.name, it.key());
            continue;
        }
        const QString name = SourceLoader::peekName(it.value());
        if (!name.isEmpty())
            sourceFiles.insert(name, it.key());
    }

    QMap<QString, ViewOut> outs; // by view name
    for (const View &v : std::as_const(project.views)) {
        const LookmlNode &node = v.node;
        const QStringList includedBy = modelsIncluding(v.file);
        if (!includedBy.isEmpty()
            && std::all_of(includedBy.cbegin(), includedBy.cend(),
                           [&](const QString &m) { return blocked.contains(m); })) {
            skip(v, QStringLiteral("view ") + v.name,
                 QStringLiteral("only models on another Looker connection include it (%1)")
                     .arg(includedBy.join(QStringLiteral(", "))));
            continue;
        }
        if (node.text(QStringLiteral("extension")) == QLatin1String("required")) {
            skip(v, QStringLiteral("view ") + v.name,
                 QStringLiteral("extension: required: a template other views extend"));
            continue;
        }
        ViewOut o;
        ViewMapper mapper(v);
        QString why;
        if (const LookmlNode *derived = node.child(QStringLiteral("derived_table"))) {
            QString sql = derived->text(QStringLiteral("sql"));
            if (sql.isEmpty()) {
                skip(v, QStringLiteral("view ") + v.name,
                     QStringLiteral("native derived table (explore_source): its SQL is generated "
                                    "by Looker"),
                     derived->line);
                continue;
            }
            // `${other.SQL_TABLE_NAME}` names another view's table.
            static const QRegularExpression tableRef(
                QStringLiteral("\\$\\{([A-Za-z0-9_]+)\\.SQL_TABLE_NAME\\}"));
            QRegularExpressionMatch m;
            bool ok = true;
            while ((m = tableRef.match(sql)).hasMatch()) {
                const QString table = unquoteTable(
                    project.views.value(m.captured(1)).node.text(QStringLiteral("sql_table_name")));
                if (table.isEmpty()) {
                    why = QStringLiteral("its SQL uses ${%1.SQL_TABLE_NAME}, which is not a "
                                         "table")
                              .arg(m.captured(1));
                    ok = false;
                    break;
                }
                sql.replace(m.capturedStart(), m.capturedLength(), table);
            }
            if (ok
                && (sql.contains(QLatin1String("{%")) || sql.contains(QLatin1String("{{"))
                    || sql.contains(QLatin1String("${")))) {
                why = QStringLiteral("its SQL uses Liquid or LookML references");
                ok = false;
            }
            if (!ok) {
                skip(v, QStringLiteral("view ") + v.name, why, derived->line);
                continue;
            }
            o.source = v.name;
            o.sql = sql;
            // A name someone else's source already has (a warehouse table, a
            // person's SQL source) is not overwritten: the derived table gets
            // <name>_lookml (then _lookml_2, ...) instead.
            const auto owned = sourceFiles.constFind(v.name);
            if (owned != sourceFiles.cend() && !previousDerived.contains(v.name)
                && !isLookmlSource(input.baseFiles.value(*owned), sql)) {
                QString name = v.name + QStringLiteral("_lookml");
                for (int n = 2; sourceFiles.contains(name) || project.views.contains(name); ++n)
                    name = v.name + QStringLiteral("_lookml_%1").arg(n);
                report.skipped.append(
                    {QStringLiteral("view ") + v.name,
                     QStringLiteral("a source named %1 already exists in %2 and LookML did not "
                                    "write it; the derived table is written as %3 instead")
                         .arg(v.name, *owned, name),
                     v.file, derived->line});
                o.source = name;
            }
        } else {
            QString table = unquoteTable(node.text(QStringLiteral("sql_table_name")));
            if (table.isEmpty())
                table = v.name; // Looker's default
            auto found = tables.constFind(table.toLower());
            if (found == tables.cend()) // schema.table against a bare table name
                found = tables.constFind(table.section(QLatin1Char('.'), -1).toLower());
            if (found == tables.cend()) {
                skip(v, QStringLiteral("view ") + v.name,
                     QStringLiteral("its table %1 is not in the warehouse scan of %2")
                         .arg(table, input.warehouseConnectionId));
                continue;
            }
            o.overlay = true;
            o.table = found->table;
            o.source = found->name;
            for (const SourceColumn &c : found->columns) {
                o.tableColumns.insert(c.name.toLower());
                o.tableColumnNames.insert(c.name.toLower(), c.name);
            }
        }
        o.description = node.text(QStringLiteral("description"));

        bool timeRoleTaken = false;
        for (const LookmlNode &f : node.children) {
            const bool group = f.key == QLatin1String("dimension_group");
            if (f.key != QLatin1String("dimension") && !group)
                continue;
            const QString what = QStringLiteral("dimension %1.%2").arg(v.name, f.name);
            const QString type = f.text(QStringLiteral("type")).toLower();
            const std::optional<QString> sql = mapper.fieldSql(f, &why, 0);
            if (!sql) {
                skip(v, what, why, f.line);
                continue;
            }
            Column c;
            c.field = f.name;
            c.description = f.text(QStringLiteral("description"));
            c.hidden = f.yes(QStringLiteral("hidden"));
            QString expr = *sql;
            if (group) {
                if (!type.isEmpty() && type != QLatin1String("time")) {
                    skip(v, what,
                         QStringLiteral("dimension_group type %1 is an interval between "
                                        "two times, not a column")
                             .arg(type),
                         f.line);
                    continue;
                }
                c.type = QStringLiteral("time");
                c.time = !timeRoleTaken;
                timeRoleTaken = true;
            } else if (type.isEmpty() || type == QLatin1String("string")
                       || type == QLatin1String("zipcode")) {
                c.type = QStringLiteral("string");
            } else if (type == QLatin1String("number")) {
                c.type = QStringLiteral("number");
            } else if (type == QLatin1String("yesno")) {
                c.type = QStringLiteral("boolean");
            } else if (type == QLatin1String("date") || type == QLatin1String("date_time")
                       || type == QLatin1String("time")) {
                c.type = QStringLiteral("time");
            } else if (type == QLatin1String("tier")) {
                const LookmlNode *tiers = f.child(QStringLiteral("tiers"));
                if (!tiers || tiers->items.isEmpty()) {
                    skip(v, what, QStringLiteral("tier dimension without tiers"), f.line);
                    continue;
                }
                c.type = QStringLiteral("string");
                expr = tierCase(expr, tiers->items);
            } else {
                skip(v, what, QStringLiteral("dimension type %1 has no ktx column type").arg(type),
                     f.line);
                continue;
            }
            if (isIdentifier(expr)) {
                c.name = expr;
                if (o.overlay) {
                    if (!o.tableColumns.contains(expr.toLower())) {
                        skip(v, what,
                             QStringLiteral("column %1 is not in table %2").arg(expr, o.table),
                             f.line);
                        continue;
                    }
                    c.name = o.tableColumnNames.value(expr.toLower());
                }
            } else {
                c.name = f.name;
                c.expr = expr;
            }
            if (f.yes(QStringLiteral("primary_key")))
                o.grain = c.name;
            o.byField.insert(f.name, c);
            bool duplicate = false;
            for (const Column &x : std::as_const(o.columns))
                duplicate = duplicate || x.name == c.name;
            if (!duplicate)
                o.columns.append(c);
        }
        if (!o.overlay && o.grain.isEmpty()) {
            skip(v, QStringLiteral("view ") + v.name,
                 QStringLiteral("derived table without a primary_key: yes dimension, so its "
                                "grain is unknown"));
            continue;
        }

        for (const LookmlNode &f : node.children) {
            if (f.key != QLatin1String("measure"))
                continue;
            const QString what = QStringLiteral("measure %1.%2").arg(v.name, f.name);
            const QString type = f.text(QStringLiteral("type")).toLower();
            QString sqlText = f.text(QStringLiteral("sql"));
            QString expr;
            if (type == QLatin1String("count")) {
                expr = QStringLiteral("COUNT(*)");
            } else {
                if (sqlText.isEmpty())
                    sqlText = QStringLiteral("${TABLE}.") + f.name;
                const std::optional<QString> sql
                    = mapper.resolve(sqlText, type == QLatin1String("number"), &why);
                if (!sql) {
                    skip(v, what, why, f.line);
                    continue;
                }
                static const QHash<QString, QString> aggregates {
                    {QStringLiteral("sum"), QStringLiteral("SUM(%1)")},
                    {QStringLiteral("average"), QStringLiteral("AVG(%1)")},
                    {QStringLiteral("min"), QStringLiteral("MIN(%1)")},
                    {QStringLiteral("max"), QStringLiteral("MAX(%1)")},
                    {QStringLiteral("count_distinct"), QStringLiteral("COUNT(DISTINCT %1)")},
                    {QStringLiteral("median"),
                     QStringLiteral("PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %1)")},
                    {QStringLiteral("number"), QStringLiteral("%1")}};
                if (!aggregates.contains(type)) {
                    skip(v, what,
                         QStringLiteral("measure type %1 has no single-aggregate form")
                             .arg(type.isEmpty() ? QStringLiteral("(none)") : type),
                         f.line);
                    continue;
                }
                expr = aggregates.value(type).arg(*sql);
            }
            // filters: [field: "value"] or filters: { field: x value: "y" } blocks.
            QStringList predicates;
            bool ok = true;
            for (const LookmlNode *filters : f.childrenNamed(QStringLiteral("filters"))) {
                QList<std::pair<QString, QString>> pairs;
                for (const QString &item : filters->items)
                    pairs.append({item.section(QStringLiteral(": "), 0, 0),
                                  item.section(QStringLiteral(": "), 1)});
                if (filters->kind == LookmlNode::Kind::Block)
                    pairs.append({filters->text(QStringLiteral("field")),
                                  filters->text(QStringLiteral("value"))});
                for (auto [name, value] : pairs) {
                    if (name.startsWith(v.name + QLatin1Char('.')))
                        name = name.mid(v.name.size() + 1);
                    const LookmlNode *dim = mapper.field(QStringLiteral("dimension"), name);
                    const std::optional<QString> sql
                        = dim ? mapper.dimensionSql(name, &why, 0) : std::nullopt;
                    bool valueOk = false;
                    const QString p = sql
                        ? filterPredicate(paren(*sql), dim->text(QStringLiteral("type")), value,
                                          &valueOk)
                        : QString();
                    if (!sql || !valueOk) {
                        why = QStringLiteral("its filter %1: \"%2\" has no SQL form here")
                                  .arg(name, value);
                        ok = false;
                        break;
                    }
                    predicates << p;
                }
            }
            if (!ok) {
                skip(v, what, why, f.line);
                continue;
            }
            o.measures.append({f.name, expr, predicates.join(QStringLiteral(" AND ")),
                               f.text(QStringLiteral("description")),
                               type == QLatin1String("number")});
            ++report.measures;
        }
        outs.insert(v.name, o);
    }

    // Explore joins: each join hangs off the view its sql_on starts from.
    QMap<QString, QStringList> explorePages; // file -> sections
    QMap<QString, QStringList> exploreSources; // file -> sources named
    for (const auto &[file, explore] : std::as_const(project.explores)) {
        QStringList joinLines;
        // The explore's model: the model file it is in, else those including its file.
        QStringList models
            = project.modelFiles.contains(file) ? QStringList {file} : modelsIncluding(file);
        const bool exploreBlocked = !models.isEmpty()
            && std::all_of(models.cbegin(), models.cend(),
                           [&](const QString &m) { return blocked.contains(m); });
        // Explores and joins see only the views of included files.
        const auto visible = [&](const QString &viewName) {
            if (models.isEmpty() || !project.views.contains(viewName))
                return true;
            const QString viewFile = project.views.value(viewName).file;
            return std::any_of(models.cbegin(), models.cend(), [&](const QString &m) {
                return project.modelFiles.value(m).files.contains(viewFile);
            });
        };
        QHash<QString, QString> aliases; // alias in sql_on -> view
        QString base = explore.text(QStringLiteral("view_name"));
        if (base.isEmpty())
            base = explore.text(QStringLiteral("from"));
        if (base.isEmpty())
            base = explore.name;
        aliases.insert(explore.name, base);
        aliases.insert(base, base);
        for (const LookmlNode *j : explore.childrenNamed(QStringLiteral("join"))) {
            const QString from = j->text(QStringLiteral("from"));
            aliases.insert(j->name, from.isEmpty() ? j->name : from);
        }
        for (const LookmlNode *j : explore.childrenNamed(QStringLiteral("join"))) {
            const QString what = QStringLiteral("join %1.%2").arg(explore.name, j->name);
            auto skipJoin = [&](const QString &why) {
                report.skipped.append({what, why, file, j->line});
                joinLines << QStringLiteral("- `%1` (%2): not a ktx join: %3.")
                                 .arg(j->name, j->text(QStringLiteral("relationship")), why);
            };
            const QString joinView = aliases.value(j->name);
            QString relationship = j->text(QStringLiteral("relationship"));
            if (relationship.isEmpty())
                relationship = QStringLiteral("many_to_one"); // Looker's default
            if (exploreBlocked) {
                // The model's skipped item says why once; the page still lists the join.
                joinLines << QStringLiteral("- `%1` (%2): not written: the model runs on another "
                                            "Looker connection.")
                                 .arg(j->name, relationship);
                continue;
            }
            if (!visible(joinView) || !visible(base)) {
                skipJoin(QStringLiteral("view %1 is not in a file the model includes")
                             .arg(visible(joinView) ? base : joinView));
                continue;
            }
            if (relationship == QLatin1String("many_to_many")) {
                skipJoin(QStringLiteral("relationship many_to_many: ktx joins are to-one or "
                                        "one-to-many, so this would fan out measures"));
                continue;
            }
            QString on = j->text(QStringLiteral("sql_on"));
            if (on.isEmpty()) {
                const QString fk = j->text(QStringLiteral("foreign_key"));
                QString pk;
                for (const LookmlNode &c : project.views.value(joinView).node.children)
                    if (c.key == QLatin1String("dimension") && c.yes(QStringLiteral("primary_key")))
                        pk = c.name;
                if (fk.isEmpty() || pk.isEmpty()) {
                    skipJoin(QStringLiteral("no sql_on, and no foreign_key to a primary key"));
                    continue;
                }
                on = QStringLiteral("${%1.%2} = ${%3.%4}")
                         .arg(explore.name,
                              fk.contains(QLatin1Char('.')) ? fk.section(QLatin1Char('.'), 1) : fk,
                              j->name, pk);
            }
            static const QRegularExpression ref(
                QStringLiteral("\\$\\{([A-Za-z0-9_]+)\\.([A-Za-z0-9_]+)\\}"));
            QString owner;
            QString why;
            QRegularExpressionMatchIterator it = ref.globalMatch(on);
            while (it.hasNext() && why.isEmpty()) {
                const QRegularExpressionMatch m = it.next();
                if (m.captured(1) == j->name)
                    continue;
                if (!aliases.contains(m.captured(1)))
                    why = QStringLiteral("sql_on names %1, which is not in explore %2")
                              .arg(m.captured(1), explore.name);
                else if (!owner.isEmpty() && owner != m.captured(1))
                    why = QStringLiteral("sql_on spans several joined views (%1, %2)")
                              .arg(owner, m.captured(1));
                else
                    owner = m.captured(1);
            }
            if (why.isEmpty() && owner.isEmpty())
                why = QStringLiteral("sql_on does not name the view it joins from");
            const QString ownerView = aliases.value(owner);
            if (why.isEmpty() && (!outs.contains(ownerView) || !outs.contains(joinView)))
                why = QStringLiteral("view %1 produced no source")
                          .arg(outs.contains(ownerView) ? joinView : ownerView);
            if (!why.isEmpty()) {
                skipJoin(why);
                continue;
            }
            const ViewOut &target = outs[joinView];
            const QString alias = j->name == target.source ? QString() : j->name;
            const QString targetName = alias.isEmpty() ? target.source : alias;
            QString sql;
            qsizetype last = 0;
            it = ref.globalMatch(on);
            while (it.hasNext()) {
                const QRegularExpressionMatch m = it.next();
                sql += on.mid(last, m.capturedStart() - last);
                last = m.capturedEnd();
                const bool joined = m.captured(1) == j->name;
                const ViewOut &side = joined ? target : outs[ownerView];
                const auto column = side.byField.constFind(m.captured(2));
                if (column == side.byField.cend()) {
                    why = QStringLiteral("sql_on uses ${%1.%2}, which is not a column")
                              .arg(m.captured(1), m.captured(2));
                    break;
                }
                sql += (joined ? targetName : side.source) + QLatin1Char('.') + column->name;
            }
            sql += on.mid(last);
            if (!why.isEmpty() || sql.contains(QLatin1String("${"))
                || sql.contains(QLatin1String("{%"))) {
                skipJoin(why.isEmpty() ? QStringLiteral("sql_on uses Liquid or other references")
                                       : why);
                continue;
            }
            ViewOut &o = outs[ownerView];
            bool duplicate = false;
            for (const Join &x : std::as_const(o.joins))
                duplicate = duplicate || (x.to == target.source && x.alias == alias);
            if (duplicate)
                continue;
            joinLines << QStringLiteral("- `%1` (%2): ktx join from `%3` to `%4`%5.")
                             .arg(j->name, relationship, o.source, target.source,
                                  alias.isEmpty() ? QString()
                                                  : QStringLiteral(" as `%1`").arg(alias));
            exploreSources[file] << o.source << target.source;
            o.joins.append({target.source, sql.simplified(), relationship, alias});
            ++report.joins;
        }
        QString section = QStringLiteral("## Explore %1\n\n").arg(explore.name);
        for (const char *key : {"label", "description"})
            if (const QString text = explore.text(QString::fromLatin1(key)); !text.isEmpty())
                section += text + QStringLiteral("\n\n");
        section += outs.contains(base)
            ? QStringLiteral("Starts from view `%1` (ktx source `%2`).\n")
                  .arg(base, outs[base].source)
            : QStringLiteral("Starts from view `%1`, which has no ktx source.\n").arg(base);
        if (outs.contains(base))
            exploreSources[file] << outs[base].source;
        if (!joinLines.isEmpty())
            section += QStringLiteral("\nJoins:\n\n") + joinLines.join(QLatin1Char('\n'))
                + QLatin1Char('\n');
        explorePages[file] << section;
    }

    // Write: overlays merge onto the current file of their source; standalone
    // sources are whole files.
    QMap<QString, QByteArray> files = input.baseFiles;
    for (const ViewOut &o : std::as_const(outs)) {
        QList<YamlValue> measures, joins, columns, overrides;
        for (const Measure &m : o.measures) {
            QSet<QString> others;
            for (const Measure &x : o.measures)
                if (x.name != m.name)
                    others.insert(x.name);
            YamlValue v = YamlValue::mapping();
            v.insert(QStringLiteral("name"), YamlValue::string(m.name));
            v.insert(QStringLiteral("expr"),
                     YamlValue::string(m.derived ? m.expr
                                                 : SourceYamlMerge::qualifyMeasureNames(
                                                     m.expr, o.source, others)));
            if (!m.filter.isEmpty())
                v.insert(QStringLiteral("filter"),
                         YamlValue::string(
                             SourceYamlMerge::qualifyMeasureNames(m.filter, o.source, others)));
            if (!m.description.isEmpty())
                v.insert(QStringLiteral("description"), YamlValue::string(m.description));
            measures << v;
        }
        for (const Join &j : o.joins) {
            YamlValue v = YamlValue::mapping();
            v.insert(QStringLiteral("to"), YamlValue::string(j.to));
            v.insert(QStringLiteral("on"), YamlValue::string(j.on));
            v.insert(QStringLiteral("relationship"), YamlValue::string(j.relationship));
            if (!j.alias.isEmpty())
                v.insert(QStringLiteral("alias"), YamlValue::string(j.alias));
            joins << v;
        }
        for (const Column &c : o.columns) {
            YamlValue v = YamlValue::mapping();
            v.insert(QStringLiteral("name"), YamlValue::string(c.name));
            const bool computed = !o.overlay || !c.expr.isEmpty();
            if (computed)
                v.insert(QStringLiteral("type"), YamlValue::string(c.type));
            if (c.time)
                v.insert(QStringLiteral("role"), YamlValue::string(QStringLiteral("time")));
            if (c.hidden)
                v.insert(QStringLiteral("visibility"), YamlValue::string(QStringLiteral("hidden")));
            if (!c.description.isEmpty())
                v.insert(QStringLiteral("descriptions"), looker(c.description));
            if (!c.expr.isEmpty())
                v.insert(QStringLiteral("expr"), YamlValue::string(c.expr));
            if (computed)
                columns << v;
            else if (v.entries().size() > 1)
                overrides << v;
        }

        if (!o.overlay) {
            YamlValue doc = YamlValue::mapping();
            doc.insert(QStringLiteral("name"), YamlValue::string(o.source));
            if (!o.description.isEmpty())
                doc.insert(QStringLiteral("descriptions"), looker(o.description));
            doc.insert(QStringLiteral("sql"), YamlValue::string(o.sql));
            doc.insert(QStringLiteral("grain"), YamlValue::stringList({o.grain}));
            YamlValue list = YamlValue::list();
            for (const YamlValue &c : std::as_const(columns))
                list.append(c);
            doc.insert(QStringLiteral("columns"), list);
            if (!measures.isEmpty()) {
                YamlValue l = YamlValue::list();
                for (const YamlValue &m : std::as_const(measures))
                    l.append(m);
                doc.insert(QStringLiteral("measures"), l);
            }
            if (!joins.isEmpty()) {
                YamlValue l = YamlValue::list();
                for (const YamlValue &m : std::as_const(joins))
                    l.append(m);
                doc.insert(QStringLiteral("joins"), l);
            }
            Result<QByteArray> text = YamlEditor::renderDocument(doc);
            if (!text) {
                report.errors.append({{}, 0, 0, text.error().message});
                continue;
            }
            const QString path = folder + SourceFileName::forSource(o.source);
            files.insert(path, text.value());
            out.files.insert(path, text.value());
            report.sources << o.source;
            continue;
        }

        // The file that holds this source now (written by dbt, a person or us).
        QString path;
        for (auto it = files.cbegin(); it != files.cend(); ++it)
            if (it.key().startsWith(folder) && !it.key().contains(QLatin1String("/_schema/"))
                && SourceLoader::peekName(it.value()) == o.source)
                path = it.key();
        if (path.isEmpty())
            path = folder + SourceFileName::forSource(o.source);
        const QByteArray before = files.value(path);
        Result<YamlDocument> doc = YamlDocument::parse(before, path);
        if (!doc) {
            report.errors.append(
                {path, doc.error().line, doc.error().column,
                 QStringLiteral("cannot merge LookML facts: ") + doc.error().message});
            continue;
        }
        const YamlNode *root = doc->root();
        const bool standalone
            = root && root->isMapping() && (root->find(u"table") || root->find(u"sql"));
        YamlEditor editor(before.isEmpty() ? QByteArray("name: ") + o.source.toUtf8() + '\n'
                                           : before);
        QList<Result<void>> results;
        if (!o.description.isEmpty())
            results << editor.set({QStringLiteral("descriptions")}, looker(o.description));
        if (!o.grain.isEmpty() && !(root && root->find(u"grain")))
            results << editor.set({QStringLiteral("grain")}, YamlValue::stringList({o.grain}));
        if (standalone) {
            if (!columns.isEmpty() || !overrides.isEmpty())
                report.skipped.append({QStringLiteral("columns of view ") + o.source,
                                       QStringLiteral("source %1 is a standalone file; LookML "
                                                      "column facts are merged only onto overlays")
                                           .arg(o.source),
                                       path, 0});
        } else {
            if (!columns.isEmpty())
                results << editor.set(
                    {QStringLiteral("columns")},
                    SourceYamlMerge::mergeList(root ? root->find(u"columns") : nullptr, columns,
                                               SourceYamlMerge::nameOf));
            if (!overrides.isEmpty())
                results << editor.set(
                    {QStringLiteral("column_overrides")},
                    SourceYamlMerge::mergeList(root ? root->find(u"column_overrides") : nullptr,
                                               overrides, SourceYamlMerge::nameOf));
        }
        if (!measures.isEmpty())
            results << editor.set(
                {QStringLiteral("measures")},
                SourceYamlMerge::mergeList(root ? root->find(u"measures") : nullptr, measures,
                                           SourceYamlMerge::nameOf));
        if (!joins.isEmpty())
            results << editor.set({QStringLiteral("joins")},
                                  SourceYamlMerge::mergeList(root ? root->find(u"joins") : nullptr,
                                                             joins, SourceYamlMerge::joinKey));
        bool failed = false;
        for (const Result<void> &r : std::as_const(results))
            if (!r.ok()) {
                report.errors.append({path, 0, 0, r.error().message});
                failed = true;
            }
        if (failed || editor.text() == before)
            continue;
        files.insert(path, editor.text());
        out.files.insert(path, editor.text());
        if (!report.sources.contains(o.source))
            report.sources << o.source;
    }
    // One wiki page per file of explores: what a person picks in Looker, and
    // which of it became ktx joins.
    for (auto it = explorePages.cbegin(); it != explorePages.cend(); ++it) {
        QString base = QFileInfo(it.key()).fileName();
        base.chop(QStringLiteral(".lkml").size());
        if (base.endsWith(QLatin1String(".model")))
            base.chop(QStringLiteral(".model").size());
        QString key;
        for (const QChar c : QString(QStringLiteral("lookml-") + base.toLower()))
            key += (c.isLetterOrNumber() && c.unicode() < 128) ? c : QLatin1Char('-');
        WikiPage page;
        page.key = key;
        page.summary
            = QStringLiteral("Looker explores in %1 and the ktx joins they became").arg(it.key());
        page.tags = {QStringLiteral("lookml"), QStringLiteral("looker")};
        QStringList refs = exploreSources.value(it.key());
        refs.removeDuplicates();
        refs.sort();
        page.slRefs = refs;
        page.source = QStringLiteral("lookml");
        page.body = QStringLiteral("# LookML explores: %1\n\n").arg(it.key())
            + it.value().join(QLatin1Char('\n'));
        out.files.insert(page.relativePath(), page.serialize());
        report.wikiPages << page.key;
    }
    report.sources.sort();
    out.report = report;
    return out;
}

} // namespace ktx
