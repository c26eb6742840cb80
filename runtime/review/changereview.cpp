#include "review/changereview.h"

#include "review/semanticchangesummary.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QSet>

namespace ktx {

namespace {

QJsonObject fileJson(const ReviewFile &file)
{
    QJsonArray hunks;
    for (int i = 0; i < file.hunks.size(); ++i) {
        const DiffHunk &h = file.hunks.at(i).hunk;
        const QJsonArray lines = RunReview::linesJson(h);
        hunks.append(QJsonObject {{QStringLiteral("hunk"), i + 1},
                                  {QStringLiteral("header"), h.header},
                                  {QStringLiteral("lines"), lines}});
    }
    QJsonObject o {
        {QStringLiteral("path"), file.diff.path},
        {QStringLiteral("status"), FileDiff::statusName(file.diff.status)},
        {QStringLiteral("binary"), file.diff.binary},
        {QStringLiteral("additions"), file.diff.additions()},
        {QStringLiteral("deletions"), file.diff.deletions()},
        {QStringLiteral("semanticChanges"), QJsonArray::fromStringList(file.semanticChanges)},
        {QStringLiteral("hunks"), hunks}};
    if (file.diff.status == FileDiff::Status::Renamed) {
        o.insert(QStringLiteral("oldPath"), file.diff.oldPath);
        o.insert(QStringLiteral("similarity"), file.diff.similarity);
    }
    return o;
}

} // namespace

ReviewFile ChangeReview::fileOf(const FileDiff &diff, const std::optional<QByteArray> &before,
                                const std::optional<QByteArray> &after)
{
    ReviewFile file;
    file.diff = diff;
    for (const DiffHunk &h : diff.hunks) {
        ReviewHunk hunk;
        hunk.hunk = h;
        file.hunks << hunk;
    }
    file.semanticChanges = SemanticChangeSummary::describe(diff.path, before, after);
    return file;
}

Result<ChangeReview> ChangeReview::forWorkTree(const QString &projectDir)
{
    auto repository = GitRepository::open(projectDir);
    if (!repository.ok())
        return repository.error();
    const QString head = repository->headCommitId();
    auto modified = repository->modifiedPaths();
    if (!modified.ok())
        return modified.error();
    QSet<QString> paths(modified->cbegin(), modified->cend());
    // New context files a person has not added yet are edits too.
    for (const QString &folder : {QStringLiteral("semantic-layer"), QStringLiteral("wiki")}) {
        QDirIterator it(QDir(projectDir).filePath(folder), QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString rel = QDir(projectDir).relativeFilePath(it.next());
            if (!paths.contains(rel) && !head.isEmpty()) {
                auto known = repository->fileAt(head, rel);
                if (known.ok() && !*known)
                    paths.insert(rel);
            }
        }
    }
    QStringList sorted(paths.cbegin(), paths.cend());
    sorted.sort();
    ChangeReview review;
    review.m_kind = Kind::WorkTree;
    review.m_base = head;
    for (const QString &path : std::as_const(sorted)) {
        std::optional<QByteArray> before;
        if (!head.isEmpty()) {
            auto bytes = repository->fileAt(head, path);
            if (!bytes.ok())
                return bytes.error();
            before = *bytes;
        }
        std::optional<QByteArray> after;
        QFile f(QDir(projectDir).filePath(path));
        if (f.exists()) {
            if (!f.open(QIODevice::ReadOnly))
                return makeError(QStringLiteral("review_read_failed"),
                                 QStringLiteral("Cannot read %1").arg(f.fileName()));
            after = f.readAll();
        }
        if (before == after)
            continue; // staged and reverted, or a mode change only
        auto diff = GitDiff::diffFile(path, before, after);
        if (!diff.ok())
            return diff.error();
        review.m_files << fileOf(*diff, before, after);
    }
    return review;
}

Result<ChangeReview> ChangeReview::forCommit(const QString &projectDir, const QString &commit)
{
    auto resolved = GitDiff::resolveCommit(projectDir, commit);
    if (!resolved.ok())
        return resolved.error();
    auto repository = GitRepository::open(projectDir);
    if (!repository.ok())
        return repository.error();
    auto diffs = GitDiff::between(*repository, resolved->parentId, resolved->id);
    if (!diffs.ok())
        return diffs.error();
    ChangeReview review;
    review.m_kind = Kind::Commit;
    review.m_base = resolved->parentId;
    review.m_commit = *resolved;
    for (const FileDiff &f : std::as_const(*diffs)) {
        std::optional<QByteArray> before, after;
        if (SemanticChangeSummary::understands(f.path)) {
            const QString oldPath = f.oldPath.isEmpty() ? f.path : f.oldPath;
            if (!resolved->parentId.isEmpty())
                if (auto b = repository->fileAt(resolved->parentId, oldPath); b.ok())
                    before = *b;
            if (auto a = repository->fileAt(resolved->id, f.path); a.ok())
                after = *a;
        }
        review.m_files << fileOf(f, before, after);
    }
    return review;
}

QJsonObject ChangeReview::toJson() const
{
    QJsonArray files;
    int additions = 0, deletions = 0;
    for (const ReviewFile &f : m_files) {
        files.append(fileJson(f));
        additions += f.diff.additions();
        deletions += f.diff.deletions();
    }
    QJsonObject o {
        {QStringLiteral("kind"),
         m_kind == Kind::WorkTree ? QStringLiteral("worktree") : QStringLiteral("commit")},
        {QStringLiteral("baseCommit"), m_base},
        {QStringLiteral("additions"), additions},
        {QStringLiteral("deletions"), deletions},
        {QStringLiteral("files"), files}};
    if (m_kind == Kind::Commit) {
        o.insert(QStringLiteral("commitId"), m_commit.id);
        o.insert(QStringLiteral("subject"), m_commit.subject);
        o.insert(QStringLiteral("author"), m_commit.author);
        o.insert(QStringLiteral("timeMs"), double(m_commit.timeMs));
    }
    return o;
}

} // namespace ktx
