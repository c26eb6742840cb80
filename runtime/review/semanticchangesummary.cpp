#include "review/semanticchangesummary.h"

#include "semantic/sourceloader.h"
#include "wiki/wikipage.h"

#include <QFileInfo>
#include <QMap>
#include <QSet>

#include <functional>

namespace ktx {

namespace {

QString code(const QString &s)
{
    return QLatin1Char('`') + s + QLatin1Char('`');
}

QString shortened(QString s)
{
    s = s.simplified();
    return s.size() > 80 ? s.left(77) + QStringLiteral("...") : s;
}

QString listText(const QStringList &items)
{
    return QLatin1Char('[') + items.join(QStringLiteral(", ")) + QLatin1Char(']');
}

// Added / removed / changed items of two keyed lists, each change described by
// `compare` (which returns the differences of one item, empty when equal).
template<typename T>
void compareKeyed(const QList<T> &before, const QList<T> &after,
                  const std::function<QString(const T &)> &keyOf,
                  const std::function<QString(const T &)> &added,
                  const std::function<QString(const T &)> &removed,
                  const std::function<QStringList(const T &, const T &)> &compare, QStringList *out)
{
    QMap<QString, const T *> old, now;
    for (const T &t : before)
        old.insert(keyOf(t), &t);
    for (const T &t : after)
        now.insert(keyOf(t), &t);
    for (auto it = now.cbegin(); it != now.cend(); ++it) {
        if (!old.contains(it.key()))
            *out << added(*it.value());
        else
            *out << compare(*old.value(it.key()), *it.value());
    }
    for (auto it = old.cbegin(); it != old.cend(); ++it)
        if (!now.contains(it.key()))
            *out << removed(*it.value());
}

void compareText(const QString &what, const QString &before, const QString &after, QStringList *out)
{
    if (before == after)
        return;
    if (before.isEmpty())
        *out << QStringLiteral("%1 set to %2").arg(what, code(shortened(after)));
    else if (after.isEmpty())
        *out << QStringLiteral("%1 removed (was %2)").arg(what, code(shortened(before)));
    else
        *out << QStringLiteral("%1 changed from %2 to %3")
                    .arg(what, code(shortened(before)), code(shortened(after)));
}

void compareDescriptions(const QString &what, const QMap<QString, QString> &before,
                         const QMap<QString, QString> &after, const QString &resolvedBefore,
                         const QString &resolvedAfter, QStringList *out)
{
    QSet<QString> kinds;
    for (auto it = before.cbegin(); it != before.cend(); ++it)
        kinds.insert(it.key());
    for (auto it = after.cbegin(); it != after.cend(); ++it)
        kinds.insert(it.key());
    QStringList sorted(kinds.cbegin(), kinds.cend());
    sorted.sort();
    bool any = false;
    for (const QString &kind : std::as_const(sorted)) {
        const QString a = before.value(kind), b = after.value(kind);
        if (a == b)
            continue;
        any = true;
        if (a.isEmpty())
            *out << QStringLiteral("%1: %2 description added").arg(what, kind);
        else if (b.isEmpty())
            *out << QStringLiteral("%1: %2 description removed").arg(what, kind);
        else
            *out << QStringLiteral("%1: %2 description changed").arg(what, kind);
    }
    if (!any && resolvedBefore != resolvedAfter)
        *out << QStringLiteral("%1: description changed").arg(what);
}

QStringList compareColumns(const QString &owner, const QString &noun,
                           const QList<SourceColumn> &before, const QList<SourceColumn> &after)
{
    QStringList out;
    compareKeyed<SourceColumn>(
        before, after, [](const SourceColumn &c) { return c.name; },
        [&](const SourceColumn &c) {
            return QStringLiteral("%1 %2 added to source %3").arg(noun, code(c.name), code(owner));
        },
        [&](const SourceColumn &c) {
            return QStringLiteral("%1 %2 removed from source %3")
                .arg(noun, code(c.name), code(owner));
        },
        [&](const SourceColumn &a, const SourceColumn &b) {
            QStringList d;
            const QString what = QStringLiteral("%1 %2.%3").arg(noun, owner, a.name);
            compareText(what + QStringLiteral(" type"), a.type, b.type, &d);
            compareText(what + QStringLiteral(" expr"), a.expr, b.expr, &d);
            compareText(what + QStringLiteral(" role"), a.role, b.role, &d);
            compareText(what + QStringLiteral(" visibility"),
                        SourceColumn::visibilityName(a.visibility),
                        SourceColumn::visibilityName(b.visibility), &d);
            compareDescriptions(what, a.descriptions, b.descriptions, a.description, b.description,
                                &d);
            return d;
        },
        &out);
    return out;
}

QStringList compareSources(const SemanticSource &a, const SemanticSource &b)
{
    QStringList out;
    const QString src = QStringLiteral("source ") + code(b.name);
    compareText(src + QStringLiteral(" table"), a.table, b.table, &out);
    if (a.sql.simplified() != b.sql.simplified())
        out << src + QStringLiteral(" SQL changed");
    compareText(src + QStringLiteral(" inherits_columns_from"), a.inheritsColumnsFrom,
                b.inheritsColumnsFrom, &out);
    if (a.grain != b.grain)
        out << QStringLiteral("%1 grain changed from %2 to %3")
                   .arg(src, listText(a.grain), listText(b.grain));
    compareDescriptions(src, a.descriptions, b.descriptions, a.description, b.description, &out);
    out << compareColumns(b.name, QStringLiteral("column"), a.columns, b.columns);
    out << compareColumns(b.name, QStringLiteral("column override"), a.columnOverrides,
                          b.columnOverrides);
    for (const QString &c : b.excludeColumns)
        if (!a.excludeColumns.contains(c))
            out << QStringLiteral("%1 excludes column %2").arg(src, code(c));
    for (const QString &c : a.excludeColumns)
        if (!b.excludeColumns.contains(c))
            out << QStringLiteral("%1 no longer excludes column %2").arg(src, code(c));
    for (const QString &j : b.disableJoins)
        if (!a.disableJoins.contains(j))
            out << QStringLiteral("%1 disables join %2").arg(src, code(j));
    for (const QString &j : a.disableJoins)
        if (!b.disableJoins.contains(j))
            out << QStringLiteral("%1 re-enables join %2").arg(src, code(j));

    const auto joinName = [&](const SourceJoin &j) {
        return code(QStringLiteral("%1 → %2").arg(b.name, j.targetName()));
    };
    compareKeyed<SourceJoin>(
        a.joins, b.joins, [](const SourceJoin &j) { return j.targetName(); },
        [&](const SourceJoin &j) {
            return QStringLiteral("join %1 added (%2 on %3)")
                .arg(joinName(j), j.relationship, code(shortened(j.on)));
        },
        [&](const SourceJoin &j) { return QStringLiteral("join %1 removed").arg(joinName(j)); },
        [&](const SourceJoin &x, const SourceJoin &y) {
            QStringList d;
            if (x.relationship != y.relationship)
                d << QStringLiteral("join %1 changed to %2").arg(joinName(y), y.relationship);
            if (x.on.simplified() != y.on.simplified())
                d << QStringLiteral("join %1 condition changed from %2 to %3")
                         .arg(joinName(y), code(shortened(x.on)), code(shortened(y.on)));
            compareText(QStringLiteral("join %1 table").arg(joinName(y)), x.to, y.to, &d);
            return d;
        },
        &out);

    compareKeyed<SourceMeasure>(
        a.measures, b.measures, [](const SourceMeasure &m) { return m.name; },
        [&](const SourceMeasure &m) {
            return QStringLiteral("measure %1 added to source %2 (%3)")
                .arg(code(m.name), code(b.name), code(shortened(m.expr)));
        },
        [&](const SourceMeasure &m) {
            return QStringLiteral("measure %1 removed from source %2")
                .arg(code(m.name), code(b.name));
        },
        [&](const SourceMeasure &x, const SourceMeasure &y) {
            QStringList d;
            const QString what = QStringLiteral("measure %1.%2").arg(b.name, y.name);
            compareText(what + QStringLiteral(" expr"), x.expr, y.expr, &d);
            compareText(what + QStringLiteral(" filter"), x.filter, y.filter, &d);
            if (x.segments != y.segments)
                d << QStringLiteral("%1 segments changed from %2 to %3")
                         .arg(what, listText(x.segments), listText(y.segments));
            if (x.description != y.description)
                d << what + QStringLiteral(": description changed");
            return d;
        },
        &out);

    compareKeyed<SourceSegment>(
        a.segments, b.segments, [](const SourceSegment &s) { return s.name; },
        [&](const SourceSegment &s) {
            return QStringLiteral("segment %1 added to source %2 (%3)")
                .arg(code(s.name), code(b.name), code(shortened(s.expr)));
        },
        [&](const SourceSegment &s) {
            return QStringLiteral("segment %1 removed from source %2")
                .arg(code(s.name), code(b.name));
        },
        [&](const SourceSegment &x, const SourceSegment &y) {
            QStringList d;
            const QString what = QStringLiteral("segment %1.%2").arg(b.name, y.name);
            compareText(what + QStringLiteral(" expr"), x.expr, y.expr, &d);
            if (x.description != y.description)
                d << what + QStringLiteral(": description changed");
            return d;
        },
        &out);
    if (a.extra != b.extra)
        for (const QString &key : {QStringLiteral("default_time_dimension"), QStringLiteral("tags"),
                                   QStringLiteral("freshness"), QStringLiteral("usage")})
            if (a.extra.value(key) != b.extra.value(key))
                out << QStringLiteral("%1 %2 changed").arg(src, key);
    return out;
}

// The sources of one version of a file; `error` set when it does not parse.
QList<SemanticSource> sourcesOf(const QString &path, const QByteArray &bytes, QString *error)
{
    QList<SemanticSource> out;
    if (path.contains(QLatin1String("/_schema/"))) {
        QList<SourceIssue> issues;
        out = SourceLoader::manifestEntries(bytes, path, &issues);
        if (out.isEmpty() && !issues.isEmpty())
            *error = issues.first().message;
        return out;
    }
    for (const SourceLoader::Loaded &loaded : SourceLoader::fromYamlFile(bytes, path)) {
        if (loaded.source)
            out << *loaded.source;
        else if (error->isEmpty())
            *error = loaded.issues.isEmpty() ? QStringLiteral("not a source")
                                             : loaded.issues.first().message;
    }
    return out;
}

QStringList describeSources(const QString &path, const std::optional<QByteArray> &before,
                            const std::optional<QByteArray> &after)
{
    QStringList out;
    QString errBefore, errAfter;
    const QList<SemanticSource> a
        = before ? sourcesOf(path, *before, &errBefore) : QList<SemanticSource>();
    const QList<SemanticSource> b
        = after ? sourcesOf(path, *after, &errAfter) : QList<SemanticSource>();
    if (!errAfter.isEmpty())
        out << QStringLiteral("%1 no longer parses as a source: %2")
                   .arg(QFileInfo(path).fileName(), errAfter);
    if (!errBefore.isEmpty() && errAfter.isEmpty() && after)
        out << QStringLiteral("%1 parses as a source again").arg(QFileInfo(path).fileName());
    compareKeyed<SemanticSource>(
        a, b, [](const SemanticSource &s) { return s.name; },
        [](const SemanticSource &s) {
            return QStringLiteral("source %1 added (%2, %3 column(s), %4 measure(s), %5 join(s))")
                .arg(code(s.name), s.isSqlSource() ? QStringLiteral("SQL") : code(s.table))
                .arg(s.columns.size() + s.columnOverrides.size())
                .arg(s.measures.size())
                .arg(s.joins.size());
        },
        [&](const SemanticSource &s) {
            // A source hidden by a parse error is not "removed".
            return errAfter.isEmpty() ? QStringLiteral("source %1 removed").arg(code(s.name))
                                      : QString();
        },
        compareSources, &out);
    out.removeAll(QString());
    return out;
}

void compareList(const QString &what, const QStringList &before, const QStringList &after,
                 QStringList *out)
{
    for (const QString &x : after)
        if (!before.contains(x))
            *out << QStringLiteral("%1 %2 added").arg(what, code(x));
    for (const QString &x : before)
        if (!after.contains(x))
            *out << QStringLiteral("%1 %2 removed").arg(what, code(x));
}

QStringList describePage(const QString &path, const std::optional<QByteArray> &before,
                         const std::optional<QByteArray> &after)
{
    QStringList out;
    const QString key = QFileInfo(path).completeBaseName();
    if (!after) {
        out << QStringLiteral("page %1 removed").arg(code(key));
        return out;
    }
    auto b = WikiPage::parse(*after, QFileInfo(path).fileName());
    if (!b.ok()) {
        out << QStringLiteral("page %1 no longer parses: %2").arg(code(key), b.error().message);
        return out;
    }
    if (!before) {
        out << QStringLiteral("page %1 added: %2").arg(code(key), shortened(b->summary));
        compareList(QStringLiteral("page tag"), {}, b->tags, &out);
        compareList(QStringLiteral("page ref"), {}, b->refs, &out);
        compareList(QStringLiteral("page sl_ref"), {}, b->slRefs, &out);
        return out;
    }
    auto a = WikiPage::parse(*before, QFileInfo(path).fileName());
    if (!a.ok()) {
        out << QStringLiteral("page %1 parses again").arg(code(key));
        return out;
    }
    compareText(QStringLiteral("page summary"), a->summary, b->summary, &out);
    compareList(QStringLiteral("page tag"), a->tags, b->tags, &out);
    compareList(QStringLiteral("page ref"), a->refs, b->refs, &out);
    compareList(QStringLiteral("page sl_ref"), a->slRefs, b->slRefs, &out);
    compareText(QStringLiteral("page usage_mode"), a->usageMode, b->usageMode, &out);
    if (a->body != b->body)
        out << QStringLiteral("page body changed");
    return out;
}

} // namespace

bool SemanticChangeSummary::understands(const QString &path)
{
    return (path.startsWith(QLatin1String("semantic-layer/"))
            && (path.endsWith(QLatin1String(".yaml")) || path.endsWith(QLatin1String(".yml"))))
        || (path.startsWith(QLatin1String("wiki/")) && path.endsWith(QLatin1String(".md")));
}

QStringList SemanticChangeSummary::describe(const QString &path,
                                            const std::optional<QByteArray> &before,
                                            const std::optional<QByteArray> &after)
{
    if (!understands(path) || before == after)
        return {};
    if (path.startsWith(QLatin1String("wiki/")))
        return describePage(path, before, after);
    return describeSources(path, before, after);
}

} // namespace ktx
