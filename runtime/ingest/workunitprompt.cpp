#include "ingest/workunitprompt.h"

#include "ingest/wikipagetext.h"
#include "semantic/sourceloader.h"

#include <QCryptographicHash>
#include <QMap>

namespace ktx {

namespace {

const char *const Framing
    = "You are a ktx ingest agent. You turn raw evidence about a data warehouse into reviewed-"
      "quality context: semantic-layer sources (YAML) and wiki pages (Markdown with front-"
      "matter). Your writes go to a staging area that is merged, checked and reviewed later; "
      "write only what the evidence supports, and cite it.\n";

const char *const Ledger
    = "Verification ledger: before any wiki_write, wiki_remove, sl_write_source or "
      "sl_edit_source, call record_verification_ledger with a summary, the identifiers you "
      "verified (tables, columns, values you saw in raw files, entity_details or sql_execution) "
      "and those you could not verify. Writes without a ledger entry are refused.\n";

} // namespace

QString WorkUnitPrompt::systemPrompt(const QString &skill, const QString &syncId,
                                     const QString &sourceKey, const QString &connectionId)
{
    return QString::fromLatin1(Framing) + QLatin1Char('\n') + QString::fromLatin1(Ledger)
        + QLatin1Char('\n') + skill
        + QStringLiteral("\n<context>\nsyncId: %1\nsource: %2\nconnectionId: %3\n</context>\n")
              .arg(syncId, sourceKey, connectionId);
}

QString WorkUnitPrompt::userPrompt(const WorkUnit &unit, const QString &wikiIndex,
                                   const QString &slIndex,
                                   const QMap<QString, QStringList> &priorProvenance,
                                   const QList<PriorRejection> &rejections)
{
    QString p = QStringLiteral("# Wiki Index\n") + wikiIndex
        + QStringLiteral("\n# Semantic Layer Sources\n") + slIndex + QStringLiteral("\n---\n");
    p += QStringLiteral("## WorkUnit: %1\n").arg(unit.unitKey);
    p += QStringLiteral("### rawFiles\n");
    for (const QString &f : unit.rawFiles)
        p += QStringLiteral("- %1\n").arg(f);
    p += QStringLiteral("### dependencyPaths\n");
    for (const QString &f : unit.dependencyPaths)
        p += QStringLiteral("- %1\n").arg(f);
    p += QStringLiteral("### peerFileIndex\n");
    for (const QString &f : unit.peerFileIndex.mid(0, 100))
        p += QStringLiteral("- %1\n").arg(f);
    if (unit.peerFileIndex.size() > 100)
        p += QStringLiteral("- … %1 more omitted\n").arg(unit.peerFileIndex.size() - 100);
    p += QStringLiteral("### priorProvenance\n");
    bool any = false;
    for (auto it = priorProvenance.cbegin(); it != priorProvenance.cend(); ++it) {
        if (it.value().isEmpty())
            continue;
        any = true;
        p += QStringLiteral("- %1\n").arg(it.key());
        for (const QString &line : it.value())
            p += QStringLiteral("  - %1\n").arg(line);
    }
    if (!any)
        p += QStringLiteral("(none)\n");
    p += rejectionsSection(rejections);
    p += QStringLiteral("### notes\n%1\n").arg(unit.notes);
    return p;
}

QString WorkUnitPrompt::rejectionsSection(const QList<PriorRejection> &rejections)
{
    if (rejections.isEmpty())
        return {};
    // Bounded: a long refused rewrite must not crowd out the evidence.
    constexpr qsizetype MaxChangeBytes = 1500;
    QString p = QStringLiteral(
        "### Previously rejected proposals\nA person reviewed and refused these changes. Do not "
        "propose them again; if new evidence makes one necessary, say so in the ledger.\n");
    for (const PriorRejection &r : rejections) {
        p += QStringLiteral("- %1 (refused in run %2)\n").arg(r.path, r.runId);
        QByteArray change = r.changeText;
        if (change.isEmpty()) {
            p += QStringLiteral("  %1\n").arg(r.summary);
            continue;
        }
        const bool cut = change.size() > MaxChangeBytes;
        if (cut)
            change = change.left(change.lastIndexOf('\n', MaxChangeBytes) + 1);
        p += QStringLiteral("  ```diff\n");
        for (const QByteArray &line : change.split('\n'))
            if (!line.isEmpty())
                p += QStringLiteral("  %1\n").arg(QString::fromUtf8(line));
        if (cut)
            p += QStringLiteral("  … (trimmed)\n");
        p += QStringLiteral("  ```\n");
    }
    return p;
}

QString WorkUnitPrompt::reconcileSystemPrompt(const QString &syncId, const QString &sourceKey,
                                              const QString &connectionId)
{
    return QString::fromLatin1(Framing)
        + QStringLiteral(
               "\nYou reconcile the combined changes of this run with the accepted context: merge "
               "duplicates, keep people's text, and record every duplicate or contradiction with "
               "emit_conflict_resolution (kinds: structural_duplicate, near_duplicate, "
               "definitional_contradiction, re_ingest_change). Contradictions between sources "
               "are flagged for a person, never silently resolved.\n\n")
        + QString::fromLatin1(Ledger)
        + QStringLiteral("\n<context>\nsyncId: %1\nsource: %2\nconnectionId: %3\n</context>\n")
              .arg(syncId, sourceKey, connectionId);
}

QString WorkUnitPrompt::reconcileUserPrompt(const QString &wikiIndex, const QString &slIndex,
                                            const QList<WorkUnitReport> &units)
{
    QString p = QStringLiteral("# Wiki Index\n") + wikiIndex
        + QStringLiteral("\n# Semantic Layer Sources\n") + slIndex
        + QStringLiteral("\n---\n## Changes of this run\n");
    for (const WorkUnitReport &unit : units) {
        if (unit.status != QLatin1String("success"))
            continue;
        for (const IngestAction &a : unit.actions)
            p += QStringLiteral("- %1: %2 %3 %4 (%5)\n")
                     .arg(unit.unitKey, a.type, a.target, a.key, a.path);
    }
    return p;
}

QString WorkUnitPrompt::wikiIndex(const BaseTree &tree, const QString &userId)
{
    const QString globalDir = QStringLiteral("wiki/global/");
    const QString userDir = QStringLiteral("wiki/user/%1/").arg(userId);
    QMap<QString, QString> lines; // key -> line, sorted by key
    for (auto it = tree.cbegin(); it != tree.cend(); ++it) {
        const bool global = it.key().startsWith(globalDir);
        const bool own = !userId.isEmpty() && it.key().startsWith(userDir);
        if ((!global && !own) || !it.key().endsWith(QLatin1String(".md")))
            continue;
        const QString name = it.key().mid(global ? globalDir.size() : userDir.size());
        if (name.contains(QLatin1Char('/')))
            continue;
        const QString key = name.chopped(3);
        if (global && !userId.isEmpty() && tree.contains(userDir + name))
            continue; // shadowed by the user's page
        auto page = WikiPageText::parse(it.value());
        const QString summary = page.ok() ? page->summary : QString();
        lines.insert(key,
                     own ? QStringLiteral("- %1 (user %2): %3").arg(key, userId, summary)
                         : QStringLiteral("- %1: %2").arg(key, summary));
    }
    return QStringLiteral("## Wiki Pages\n")
        + (lines.isEmpty() ? QStringLiteral("(empty)")
                           : QStringList(lines.cbegin(), lines.cend()).join(QLatin1Char('\n')))
        + QLatin1Char('\n');
}

QString WorkUnitPrompt::slIndex(const BaseTree &tree, const QStringList &connections)
{
    QString out;
    for (const QString &connection : connections) {
        const QString prefix = QStringLiteral("semantic-layer/%1/").arg(connection);
        QStringList names;
        for (auto it = tree.cbegin(); it != tree.cend(); ++it) {
            if (!it.key().startsWith(prefix)
                || it.key().mid(prefix.size()).contains(QLatin1Char('/'))
                || !it.key().endsWith(QLatin1String(".yaml")))
                continue;
            const QString name = SourceLoader::peekName(it.value());
            names << (name.isEmpty() ? it.key().mid(prefix.size()) : name);
        }
        names.sort();
        out += QStringLiteral("## %1\n").arg(connection)
            + (names.isEmpty() ? QStringLiteral("(empty)") : names.join(QLatin1Char('\n')))
            + QLatin1Char('\n');
    }
    return out;
}

QString WorkUnitPrompt::fingerprint(const QString &skill, const QString &sourceKey,
                                    const QString &connectionId, const QString &appVersion)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    for (const QString &part :
         {QStringLiteral("schema:1"), appVersion, QString::fromLatin1(Framing),
          QString::fromLatin1(Ledger), skill, sourceKey, connectionId}) {
        h.addData(part.toUtf8());
        h.addData(QByteArrayView("\0", 1));
    }
    return QString::fromLatin1(h.result().toHex());
}

QString WorkUnitPrompt::unitFingerprint(const QString &fingerprint,
                                        const QList<PriorRejection> &rejections)
{
    if (rejections.isEmpty())
        return fingerprint;
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(fingerprint.toUtf8());
    for (const PriorRejection &r : rejections) {
        h.addData(QByteArrayView("\0", 1));
        h.addData(QString(r.path + QLatin1Char('\n') + r.textHash).toUtf8());
    }
    return QString::fromLatin1(h.result().toHex());
}

} // namespace ktx
