#include "semantic/sourcevalidator.h"

#include "semantic/joingraph.h"

#include <QHash>

#include <algorithm>

namespace ktx {

namespace {

SourceIssue issueAt(const SemanticSource &s, const SourceLocation &l, const QString &code,
                    const QString &message,
                    SourceIssue::Severity severity = SourceIssue::Severity::Error)
{
    const SourceLocation at = l.line > 0 ? l : s.location;
    return SourceIssue {severity, code, message, s.filePath, at.line, at.column, s.name};
}

} // namespace

QList<SourceIssue> SourceValidator::validate(const QList<SemanticSource> &sources)
{
    QList<SourceIssue> issues;
    QHash<QString, const SemanticSource *> byName;
    for (const SemanticSource &s : sources) {
        if (byName.contains(s.name)) {
            issues << issueAt(s, s.location, QStringLiteral("sl_duplicate_source"),
                              QStringLiteral("Duplicate source name '%1' (also declared in %2).")
                                  .arg(s.name, byName.value(s.name)->filePath));
            continue;
        }
        byName.insert(s.name, &s);
    }

    for (const SemanticSource &s : sources) {
        for (const SourceJoin &join : s.joins) {
            const SemanticSource *target = byName.value(join.to);
            if (!target) {
                issues << issueAt(s, join.location, QStringLiteral("sl_orphan_join"),
                                  QStringLiteral("Source '%1' joins to '%2', but '%2' is not "
                                                 "defined.")
                                      .arg(s.name, join.to));
                continue;
            }
            if (!join.alias.isEmpty() && byName.contains(join.alias) && join.alias != join.to)
                issues << issueAt(s, join.location, QStringLiteral("sl_alias_conflict"),
                                  QStringLiteral("Join alias '%1' in source '%2' is also the "
                                                 "name of a source; choose another alias.")
                                      .arg(join.alias, s.name));
            Result<JoinGraph::JoinKeys> keys
                = JoinGraph::parseOn(join.on, s.name, join.to, join.alias);
            if (!keys.ok()) {
                issues << issueAt(
                    s, join.location, keys.error().code,
                    QStringLiteral("Source '%1': %2").arg(s.name, keys.error().message));
                continue;
            }
            for (const QString &c : std::as_const(keys->ownerColumns)) {
                if (!s.column(c))
                    issues << issueAt(s, join.location, QStringLiteral("sl_join_column"),
                                      QStringLiteral("Join from '%1' to '%2' uses column '%3', "
                                                     "which '%1' does not declare.")
                                          .arg(s.name, join.targetName(), c));
            }
            for (const QString &c : std::as_const(keys->targetColumns)) {
                if (!target->column(c))
                    issues << issueAt(s, join.location, QStringLiteral("sl_join_column"),
                                      QStringLiteral("Join from '%1' to '%2' uses column '%2.%3', "
                                                     "which '%4' does not declare.")
                                          .arg(s.name, join.targetName(), c, join.to));
            }
        }
        for (const SourceMeasure &m : s.measures) {
            for (const QString &segment : m.segments) {
                if (!s.segment(segment)) {
                    QStringList available;
                    for (const SourceSegment &g : s.segments)
                        available << g.name;
                    std::sort(available.begin(), available.end());
                    issues << issueAt(s, m.location, QStringLiteral("sl_unknown_segment"),
                                      QStringLiteral("Measure '%1' on source '%2' references "
                                                     "unknown segment '%3'. Available segments: "
                                                     "%4.")
                                          .arg(m.name, s.name, segment,
                                               available.isEmpty()
                                                   ? QStringLiteral("(none)")
                                                   : available.join(QStringLiteral(", "))));
                }
            }
        }
        for (const QString &g : s.grain) {
            if (!s.column(g))
                issues << issueAt(s, s.location, QStringLiteral("sl_invalid_grain"),
                                  QStringLiteral("Source '%1' has grain column '%2' that is not "
                                                 "in its columns list.")
                                      .arg(s.name, g));
        }
    }

    // Several components: not an error (sources can be independent), but
    // queries across them cannot be answered.
    QList<SemanticSource> usable;
    for (const SemanticSource &s : sources) {
        if (byName.value(s.name) == &s)
            usable << s;
    }
    QList<QSet<QString>> components = JoinGraph(usable).components();
    if (components.size() > 1) {
        std::sort(components.begin(), components.end(),
                  [](const QSet<QString> &a, const QSet<QString> &b) {
                      if (a.size() != b.size())
                          return a.size() > b.size();
                      return *std::min_element(a.cbegin(), a.cend())
                          < *std::min_element(b.cbegin(), b.cend());
                  });
        QStringList lines {QStringLiteral("Model has %1 disconnected components. Queries that "
                                          "span components will fail with 'No join path' errors:")
                               .arg(components.size())};
        for (int i = 0; i < components.size(); ++i) {
            QStringList names(components[i].cbegin(), components[i].cend());
            std::sort(names.begin(), names.end());
            const QString listed = names.size() > 3
                ? QStringLiteral("%1, ... (+%2 more)")
                      .arg(names.mid(0, 2).join(QStringLiteral(", ")))
                      .arg(names.size() - 2)
                : names.join(QStringLiteral(", "));
            lines << QStringLiteral("  - Component %1 (%2 sources): %3")
                         .arg(i + 1)
                         .arg(names.size())
                         .arg(listed);
        }
        issues << SourceIssue {SourceIssue::Severity::Warning,
                               QStringLiteral("sl_disconnected"),
                               lines.join(QLatin1Char('\n')),
                               {},
                               0,
                               0,
                               {}};
    }
    return issues;
}

} // namespace ktx
