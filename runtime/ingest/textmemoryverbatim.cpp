#include "ingest/textmemoryverbatim.h"

#include "git/gitrepository.h"
#include "git/worktreelanding.h"
#include "wiki/wikipage.h"
#include "wiki/wikistore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace ktx {

namespace {

QString slug(const QString &text)
{
    static const QRegularExpression other(QStringLiteral("[^a-z0-9]+"));
    QString s = text.toLower();
    s.replace(other, QStringLiteral("-"));
    while (s.startsWith(QLatin1Char('-')))
        s.remove(0, 1);
    while (s.endsWith(QLatin1Char('-')))
        s.chop(1);
    return s.left(100);
}

// The first Markdown heading of a body, if the body starts with one.
QString leadingHeading(const QString &body)
{
    for (const QString &line : body.split(QLatin1Char('\n'))) {
        const QString t = line.trimmed();
        if (t.isEmpty())
            continue;
        static const QRegularExpression heading(QStringLiteral("^#{1,6}\\s+(.+?)\\s*#*$"));
        const auto m = heading.match(t);
        return m.hasMatch() ? m.captured(1).trimmed() : QString();
    }
    return {};
}

QString firstSentence(const QString &body)
{
    QString text = body.simplified();
    static const QRegularExpression end(QStringLiteral("[.!?](\\s|$)"));
    const auto m = end.match(text);
    if (m.hasMatch())
        text = text.left(m.capturedStart() + 1);
    return text.left(200);
}

} // namespace

Result<QPair<QString, QByteArray>> TextMemoryVerbatim::pageFor(const TextMemoryAdapter::Note &note,
                                                               const QString &connectionId)
{
    const bool hasFrontMatter = note.content.startsWith("---\n");
    WikiPage page;
    if (hasFrontMatter) {
        auto parsed = WikiPage::parse(note.content, note.label);
        if (!parsed)
            return parsed.error();
        page = *parsed;
    } else {
        page.body = QString::fromUtf8(note.content);
    }
    const QString heading = leadingHeading(page.body);
    QString key;
    if (!note.fileName.isEmpty() && note.label != QLatin1String("stdin"))
        key = slug(QFileInfo(note.fileName).completeBaseName());
    else if (!heading.isEmpty())
        key = slug(heading);
    else
        return makeError(QStringLiteral("verbatim_no_heading"),
                         QStringLiteral("Text item \"%1\" has no leading Markdown heading to name "
                                        "its page.")
                             .arg(note.label),
                         QStringLiteral("Start the text with a heading such as \"# Refund "
                                        "policy\", or pass it as a file (--file)."));
    if (!WikiStore::isValidKey(key))
        return makeError(QStringLiteral("verbatim_bad_key"),
                         QStringLiteral("Cannot make a wiki page key from \"%1\".").arg(note.label),
                         QStringLiteral("Give the note a heading or file name with letters or "
                                        "digits."));
    page.key = key;
    page.scope = WikiScope::Global;
    if (page.summary.trimmed().isEmpty())
        page.summary = heading.isEmpty() ? firstSentence(page.body) : heading;
    if (!connectionId.isEmpty()) {
        if (!page.connections.isEmpty() && !page.connections.contains(connectionId))
            return makeError(
                QStringLiteral("verbatim_connection_conflict"),
                QStringLiteral("Text item \"%1\" says it is about %2, not %3.")
                    .arg(note.label, page.connections.join(QStringLiteral(", ")), connectionId),
                QStringLiteral("Drop --connection-id or fix the note's "
                               "`connections` front-matter."));
        if (page.connections.isEmpty())
            page.connections = {connectionId};
    }
    // A note that already had complete front-matter is kept byte for byte.
    const bool complete = hasFrontMatter && page.declaredKeys.contains(QStringLiteral("summary"))
        && (connectionId.isEmpty() || page.declaredKeys.contains(QStringLiteral("connections")));
    return qMakePair(page.relativePath(), complete ? note.content : page.serialize());
}

Result<TextMemoryVerbatim::Stored> TextMemoryVerbatim::capture(const QString &projectDir,
                                                               const ProjectConfig &config,
                                                               const TextMemoryAdapter::Note &note,
                                                               const QString &connectionId)
{
    auto made = pageFor(note, connectionId);
    if (!made)
        return made.error();
    Stored stored;
    stored.path = made->first;
    stored.key = QFileInfo(stored.path).completeBaseName();
    auto lock = WorktreeLanding::lockProject(projectDir);
    if (!lock)
        return lock.error();
    auto repository = GitRepository::open(projectDir);
    if (!repository)
        return repository.error();
    if (auto recovered = WorktreeLanding::recover(repository.value()); !recovered)
        return recovered.error();
    const QString head = repository->headCommitId();
    auto existing = head.isEmpty() ? Result<std::optional<QByteArray>>(std::nullopt)
                                   : repository->fileAt(head, stored.path);
    if (!existing)
        return existing.error();
    if (*existing) {
        if (**existing == made->second) {
            stored.unchanged = true;
            return stored;
        }
        return makeError(QStringLiteral("verbatim_exists"),
                         QStringLiteral("A different page already exists at %1.").arg(stored.path),
                         QStringLiteral("Edit that page, or give the note another heading or "
                                        "file name."));
    }
    const GitRepository::Signature author = GitRepository::Signature::parse(
        config.storage.gitAuthor, {QStringLiteral("ktx"), QStringLiteral("ktx@example.com")});
    auto committed = WorktreeLanding::commitAndLand(
        repository.value(), {{stored.path, made->second}},
        QStringLiteral("memory(verbatim): %1").arg(stored.key), author);
    if (!committed)
        return committed.error();
    stored.commitHash = *committed;
    return stored;
}

} // namespace ktx
