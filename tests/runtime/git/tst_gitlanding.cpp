// GitRepository's object-level operations and WorktreeLanding on real
// repositories: commits built from file maps without touching the work tree,
// 3-way file merges, tree merges, landing with its dirty-file refusal, and the
// roll-forward of a landing a kill interrupted.
#include "git/gitrepository.h"
#include "git/worktreelanding.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

QString git(const QString &dir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"), args);
    p.waitForFinished(30000);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

const GitRepository::Signature Author {QStringLiteral("t"), QStringLiteral("t@example.com")};

} // namespace

class TestGitLanding : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    int m_n = 0;

    QString newRepo()
    {
        const QString dir = m_tmp.filePath(QString::number(++m_n));
        auto repo = GitRepository::init(dir);
        if (!repo.ok())
            return {};
        writeFile(dir + "/a.txt", "one\ntwo\nthree\n");
        writeFile(dir + "/.gitignore", "/.ktx/\n");
        (void)repo->commit(QStringLiteral("initial"), Author);
        return dir;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void commitFromFileMapLeavesWorkTreeAlone()
    {
        const QString dir = newRepo();
        auto repo = GitRepository::open(dir);
        QVERIFY(repo.ok());
        const QString head = repo->headCommitId();
        auto commit = repo->createCommit(
            head, {{"b/new.txt", QByteArray("new\n")}, {"a.txt", std::nullopt}},
            QStringLiteral("change"), Author);
        QVERIFY(commit.ok());
        QCOMPARE(repo->headCommitId(), head); // no ref moved
        QVERIFY(QFile::exists(dir + "/a.txt")); // work tree untouched
        QCOMPARE(repo->fileAt(*commit, "b/new.txt")->value(), QByteArray("new\n"));
        QVERIFY(!repo->fileAt(*commit, "a.txt")->has_value());
        QCOMPARE(*repo->listFiles(*commit), QStringList({".gitignore", "b/new.txt"}));
        QCOMPARE(*repo->changedPaths(head, *commit), QStringList({"a.txt", "b/new.txt"}));
        QVERIFY(repo->setBranch(QStringLiteral("ktx/runs/x"), *commit).ok());
        QCOMPARE(repo->branches(QStringLiteral("ktx/runs/")), QStringList {"ktx/runs/x"});
        QVERIFY(repo->deleteBranch(QStringLiteral("ktx/runs/x")).ok());
        QVERIFY(repo->branches(QStringLiteral("ktx/runs/")).isEmpty());
    }

    void mergeFile()
    {
        auto clean = GitRepository::mergeFile("one\ntwo\nthree\n", "ONE\ntwo\nthree\n",
                                              "one\ntwo\nTHREE\n", "f");
        QVERIFY(clean.ok());
        QVERIFY(!clean->conflicted);
        QCOMPARE(clean->merged, QByteArray("ONE\ntwo\nTHREE\n"));
        auto conflict = GitRepository::mergeFile("one\n", "uno\n", "eins\n", "f");
        QVERIFY(conflict.ok());
        QVERIFY(conflict->conflicted);
        QVERIFY(conflict->merged.contains("<<<<<<<"));
    }

    void landMovesBranchAndFiles()
    {
        const QString dir = newRepo();
        auto repo = GitRepository::open(dir);
        auto landed = WorktreeLanding::commitAndLand(
            repo.value(),
            {{"a.txt", QByteArray("one\n2\nthree\n")}, {"c/d.txt", QByteArray("d\n")}},
            QStringLiteral("land"), Author);
        QVERIFY2(landed.ok(), landed.ok() ? "" : qPrintable(landed.error().toText()));
        QCOMPARE(repo->headCommitId(), *landed);
        QCOMPARE(readAll(dir + "/a.txt"), QByteArray("one\n2\nthree\n"));
        QCOMPARE(readAll(dir + "/c/d.txt"), QByteArray("d\n"));
        QVERIFY(git(dir, {"status", "--porcelain"}).isEmpty());
        QVERIFY(!QFile::exists(WorktreeLanding::journalPath(dir)));
    }

    void landRefusesToOverwriteUncommittedEdits()
    {
        const QString dir = newRepo();
        auto repo = GitRepository::open(dir);
        writeFile(dir + "/a.txt", "a person's edit\n");
        const QString head = repo->headCommitId();
        auto landed = WorktreeLanding::commitAndLand(
            repo.value(), {{"a.txt", QByteArray("ours\n")}}, QStringLiteral("land"), Author);
        QVERIFY(!landed.ok());
        QCOMPARE(landed.error().code, QStringLiteral("landing_dirty"));
        QCOMPARE(readAll(dir + "/a.txt"), QByteArray("a person's edit\n"));
        QCOMPARE(repo->headCommitId(), head);
        // an untracked file in the way counts too
        writeFile(dir + "/new.txt", "mine\n");
        auto again = WorktreeLanding::commitAndLand(
            repo.value(), {{"new.txt", QByteArray("ours\n")}}, QStringLiteral("land"), Author);
        QVERIFY(!again.ok());
        QCOMPARE(readAll(dir + "/new.txt"), QByteArray("mine\n"));
    }

    void recoverRollsAnInterruptedLandingForward()
    {
        const QString dir = newRepo();
        auto repo = GitRepository::open(dir);
        const QString head = repo->headCommitId();
        auto commit = repo->createCommit(
            head, {{"a.txt", QByteArray("landed\n")}, {"z.txt", QByteArray("z\n")}},
            QStringLiteral("land"), Author);
        QVERIFY(commit.ok());
        // As a kill after the journal and the first file would leave it.
        writeFile(WorktreeLanding::journalPath(dir),
                  QJsonDocument(QJsonObject {{"branch", "main"},
                                             {"from", head},
                                             {"to", *commit},
                                             {"paths", QJsonArray {"a.txt", "z.txt"}}})
                      .toJson());
        writeFile(dir + "/a.txt", "landed\n");
        QVERIFY(!git(dir, {"status", "--porcelain"}).isEmpty());
        auto recovered = WorktreeLanding::recover(repo.value());
        QVERIFY(recovered.ok());
        QVERIFY(*recovered);
        QCOMPARE(repo->headCommitId(), *commit);
        QCOMPARE(readAll(dir + "/z.txt"), QByteArray("z\n"));
        QVERIFY(git(dir, {"status", "--porcelain"}).isEmpty());
        QVERIFY(!QFile::exists(WorktreeLanding::journalPath(dir)));
        QVERIFY(!*WorktreeLanding::recover(repo.value())); // nothing left to do
    }

    // A kill inside the ref move leaves git's lock files behind. Those written
    // after the journal are the killed landing's and are cleared; an older one
    // belongs to someone else and makes recovery fail with the reason, not hang.
    void recoverClearsLocksTheKilledLandingLeft()
    {
        const QString dir = newRepo();
        auto repo = GitRepository::open(dir);
        const QString head = repo->headCommitId();
        auto commit = repo->createCommit(head, {{"a.txt", QByteArray("landed\n")}},
                                         QStringLiteral("land"), Author);
        QVERIFY(commit.ok());
        const QString refLock = dir + "/.git/refs/heads/main.lock";
        const QString indexLock = dir + "/.git/index.lock";
        const auto writeJournal = [&] {
            writeFile(WorktreeLanding::journalPath(dir),
                      QJsonDocument(QJsonObject {{"branch", "main"},
                                                 {"from", head},
                                                 {"to", *commit},
                                                 {"paths", QJsonArray {"a.txt"}}})
                          .toJson());
        };

        // Someone else's lock, older than the journal: kept, and the landing waits.
        writeFile(refLock, "");
        {
            QFile lock(refLock);
            QVERIFY(lock.open(QIODevice::ReadWrite));
            QVERIFY(lock.setFileTime(QDateTime::currentDateTime().addSecs(-60),
                                     QFileDevice::FileModificationTime));
        }
        writeJournal();
        auto blocked = WorktreeLanding::recover(repo.value());
        QVERIFY(!blocked.ok());
        QVERIFY2(blocked.error().message.contains("main"), qPrintable(blocked.error().message));
        QVERIFY(QFile::exists(refLock));
        QVERIFY(QFile::exists(WorktreeLanding::journalPath(dir)));
        QCOMPARE(repo->headCommitId(), head);

        // The killed landing's own locks: newer than its journal, removed.
        QFile::remove(refLock);
        writeJournal();
        writeFile(indexLock, "");
        writeFile(refLock, "");
        auto recovered = WorktreeLanding::recover(repo.value());
        QVERIFY2(recovered.ok(),
                 qPrintable(recovered.ok() ? QString() : recovered.error().message));
        QVERIFY(*recovered);
        QVERIFY(!QFile::exists(refLock));
        QVERIFY(!QFile::exists(indexLock));
        QCOMPARE(repo->headCommitId(), *commit);
        QVERIFY(git(dir, {"status", "--porcelain"}).isEmpty());
        QProcess fsck;
        fsck.setWorkingDirectory(dir);
        fsck.start(QStringLiteral("git"),
                   {QStringLiteral("fsck"), QStringLiteral("--no-progress")});
        QVERIFY(fsck.waitForFinished(30000));
        QCOMPARE(fsck.exitCode(), 0);
    }

    void projectLockIsExclusiveAndTakenOverFromTheDead()
    {
        const QString dir = newRepo();
        auto first = WorktreeLanding::lockProject(dir);
        QVERIFY(first.ok());
        auto second = WorktreeLanding::lockProject(dir);
        QVERIFY(!second.ok());
        QCOMPARE(second.error().code, QStringLiteral("ingest_busy"));
        first.value().release();
        QVERIFY(WorktreeLanding::lockProject(dir).ok());
        // A lock file a killed holder left (or one cut short while written)
        // is only a file: nothing holds it.
        writeFile(dir + "/.ktx/ingest.lock", "");
        QVERIFY(WorktreeLanding::lockProject(dir).ok());
        // Held by another process: busy until that process is gone.
        QProcess holder;
        // The shell takes the lock on fd 9 and then becomes `sleep` (exec), so
        // the process that holds it is the one killed below.
        holder.start(QStringLiteral("sh"),
                     {QStringLiteral("-c"),
                      QStringLiteral("exec 9>>\"$0\" && flock 9 && echo locked && exec sleep 30"),
                      dir + "/.ktx/ingest.lock"});
        QVERIFY(holder.waitForReadyRead(30000));
        QCOMPARE(holder.readAllStandardOutput().trimmed(), QByteArray("locked"));
        QVERIFY(!WorktreeLanding::lockProject(dir).ok());
        holder.kill();
        holder.waitForFinished();
        QVERIFY(WorktreeLanding::lockProject(dir).ok());
    }

    void mergeTreesDetectsConflicts()
    {
        const QString dir = newRepo();
        auto repo = GitRepository::open(dir);
        const QString base = repo->headCommitId();
        auto ours
            = repo->createCommit(base, {{"a.txt", QByteArray("ONE\ntwo\nthree\n")}}, "o", Author);
        auto theirs
            = repo->createCommit(base, {{"a.txt", QByteArray("one\ntwo\nTHREE\n")}}, "t", Author);
        auto merged = repo->mergeTrees(base, *ours, *theirs);
        QVERIFY(merged.ok());
        auto clash
            = repo->createCommit(base, {{"a.txt", QByteArray("uno\ntwo\nthree\n")}}, "c", Author);
        auto conflicted = repo->mergeTrees(base, *ours, *clash);
        QVERIFY(!conflicted.ok());
        QCOMPARE(conflicted.error().code, QStringLiteral("git_merge_conflict"));
        QVERIFY(conflicted.error().message.contains("a.txt"));
    }
};

QTEST_GUILESS_MAIN(TestGitLanding)
#include "tst_gitlanding.moc"
