// GitDiff: structured diffs (hunks, line numbers, binary) and applying a
// chosen subset of hunks, checked against the plain git command line.
#include "git/gitdiff.h"
#include "git/gitrepository.h"

#include <QDir>
#include <QFile>
#include <QProcess>
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

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    f.write(bytes);
}

QByteArray lines(int from, int to, const QByteArray &suffix = {})
{
    QByteArray out;
    for (int i = from; i <= to; ++i)
        out += "line " + QByteArray::number(i) + suffix + "\n";
    return out;
}

// Every subset of hunks of `before -> after`, applied by us and by `git apply`
// of the same hunks, must agree.
QByteArray gitApply(const QByteArray &before, const FileDiff &diff, const QSet<int> &accepted)
{
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("f.txt")));
    f.open(QIODevice::WriteOnly);
    f.write(before);
    f.close();
    QByteArray patch = "--- a/f.txt\n+++ b/f.txt\n";
    // Hunks left out shift the new-side numbers; git apply recomputes them from
    // the old side, so only old ranges must be exact.
    for (int i = 0; i < diff.hunks.size(); ++i) {
        if (!accepted.contains(i))
            continue;
        const DiffHunk &h = diff.hunks.at(i);
        patch += QStringLiteral("@@ -%1,%2 +%3,%4 @@\n")
                     .arg(h.oldStart)
                     .arg(h.oldLines)
                     .arg(h.oldStart)
                     .arg(h.newLines)
                     .toUtf8();
        for (const DiffLine &l : h.lines) {
            patch += l.kind == DiffLine::Kind::Added
                ? '+'
                : (l.kind == DiffLine::Kind::Removed ? '-' : ' ');
            patch += l.text;
            if (!l.text.endsWith('\n'))
                patch += "\n\\ No newline at end of file\n";
        }
    }
    QProcess p;
    p.setWorkingDirectory(dir.path());
    p.start(QStringLiteral("git"),
            {QStringLiteral("apply"), QStringLiteral("--unidiff-zero"), QStringLiteral("-")});
    p.write(patch);
    p.closeWriteChannel();
    p.waitForFinished(30000);
    if (p.exitCode() != 0)
        return "git apply failed: " + p.readAllStandardError() + "\n" + patch;
    f.open(QIODevice::ReadOnly);
    return f.readAll();
}

} // namespace

class TestGitDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hunksAndLineNumbers()
    {
        const QByteArray before = lines(1, 40);
        QByteArray after = before;
        after.replace("line 2\n", "line 2 changed\n");
        after.replace("line 30\n", "line 30\nline 30b\n");
        auto diff = GitDiff::diffFile(QStringLiteral("f.txt"), before, after);
        QVERIFY(diff.ok());
        QCOMPARE(diff->status, FileDiff::Status::Modified);
        QCOMPARE(diff->hunks.size(), 2);
        QCOMPARE(diff->additions(), 2);
        QCOMPARE(diff->deletions(), 1);
        const DiffHunk &first = diff->hunks.at(0);
        QCOMPARE(first.oldStart, 1);
        QCOMPARE(first.header, QStringLiteral("@@ -1,5 +1,5 @@"));
        const auto removed
            = std::find_if(first.lines.cbegin(), first.lines.cend(),
                           [](const DiffLine &l) { return l.kind == DiffLine::Kind::Removed; });
        QVERIFY(removed != first.lines.cend());
        QCOMPARE(removed->oldLine, 2);
        QCOMPARE(removed->newLine, 0);
        QCOMPARE(removed->text, QByteArray("line 2\n"));
        const DiffHunk &second = diff->hunks.at(1);
        // with the section line, as git prints it
        QCOMPARE(second.header, QStringLiteral("@@ -28,6 +28,7 @@ line 27"));
        const DiffLine &added = second.lines.at(3);
        QCOMPARE(added.kind, DiffLine::Kind::Added);
        QCOMPARE(added.oldLine, 0);
        QCOMPARE(added.newLine, 31);
        QCOMPARE(added.text, QByteArray("line 30b\n"));
    }

    void applySubsets_data()
    {
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        QByteArray b = lines(1, 60);
        QByteArray a = b;
        a.replace("line 1\n", "");
        a.replace("line 20\n", "line 20 x\nline 20 y\n");
        a.replace("line 40\n", "line 40\ninserted\n");
        a += "tail\n";
        QTest::newRow("four hunks") << b << a;
        QByteArray noEol = lines(1, 30);
        noEol.chop(1);
        QByteArray noEolAfter = noEol;
        noEolAfter.replace("line 3\n", "line three\n");
        noEolAfter += "\nline 31";
        QTest::newRow("no newline at end") << noEol << noEolAfter;
        QTest::newRow("from empty") << QByteArray() << lines(1, 3);
        QTest::newRow("to empty") << lines(1, 3) << QByteArray();
    }

    void applySubsets()
    {
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        auto diff = GitDiff::diffFile(QStringLiteral("f.txt"), before, after);
        QVERIFY(diff.ok());
        const int n = int(diff->hunks.size());
        QVERIFY(n >= 1);
        for (int mask = 0; mask < (1 << n); ++mask) {
            QSet<int> accepted;
            for (int i = 0; i < n; ++i)
                if (mask & (1 << i))
                    accepted.insert(i);
            const QByteArray ours = GitDiff::applyHunks(before, *diff, accepted);
            if (mask == 0)
                QCOMPARE(ours, before);
            else if (mask == (1 << n) - 1)
                QCOMPARE(ours, after);
            if (mask != 0)
                QCOMPARE(ours, gitApply(before, *diff, accepted));
        }
    }

    void addedDeletedBinary()
    {
        auto added = GitDiff::diffFile(QStringLiteral("n.txt"), std::nullopt, QByteArray("a\nb\n"));
        QVERIFY(added.ok());
        QCOMPARE(added->status, FileDiff::Status::Added);
        QCOMPARE(added->additions(), 2);
        auto deleted = GitDiff::diffFile(QStringLiteral("n.txt"), QByteArray("a\n"), std::nullopt);
        QVERIFY(deleted.ok());
        QCOMPARE(deleted->status, FileDiff::Status::Deleted);
        QCOMPARE(deleted->deletions(), 1);
        auto binary = GitDiff::diffFile(QStringLiteral("b.bin"), QByteArray("a\0b", 3),
                                        QByteArray("a\0c", 3));
        QVERIFY(binary.ok());
        QVERIFY(binary->binary);
        QVERIFY(binary->hunks.isEmpty());
    }

    // Renames as `git diff -M` finds them: an edited move, an exact move, and
    // a delete plus an unrelated add that must stay apart.
    void renamesAgreeWithGit()
    {
        QTemporaryDir dir;
        const QString d = dir.path();
        const QStringList id {"-c", "user.name=T", "-c", "user.email=t@example.com"};
        git(d, {"init", "-q", "-b", "main"});
        writeFile(d + "/a.txt", lines(1, 40));
        writeFile(d + "/b.txt", lines(100, 130));
        writeFile(d + "/c.txt", lines(200, 210));
        writeFile(d + "/keep.txt", "keep\n");
        git(d, {"add", "-A"});
        git(d,
            QStringList(id) << "commit"
                            << "-qm"
                            << "one");
        const QString c1 = git(d, {"rev-parse", "HEAD"});
        QByteArray moved = lines(1, 40);
        moved.replace("line 7\n", "line seven\n");
        QFile::remove(d + "/a.txt");
        QDir(d).mkpath("sub");
        writeFile(d + "/sub/a-moved.txt", moved);
        QFile::rename(d + "/c.txt", d + "/d.txt");
        QFile::remove(d + "/b.txt");
        writeFile(d + "/e.txt", "something else entirely\n");
        writeFile(d + "/keep.txt", "keep\nmore\n");
        git(d, {"add", "-A"});
        git(d,
            QStringList(id) << "commit"
                            << "-qm"
                            << "two");
        const QString c2 = git(d, {"rev-parse", "HEAD"});

        auto repository = GitRepository::open(d);
        QVERIFY(repository.ok());
        auto files = GitDiff::between(*repository, c1, c2);
        QVERIFY(files.ok());
        QStringList ours;
        for (const FileDiff &f : std::as_const(*files)) {
            if (f.status == FileDiff::Status::Renamed)
                ours << QStringLiteral("R\t%1\t%2").arg(f.oldPath, f.path);
            else
                ours << QStringLiteral("%1\t%2").arg(
                    FileDiff::statusName(f.status).left(1).toUpper(), f.path);
        }
        QStringList theirs;
        for (const QString &line : git(d, {"diff", "-M", "--name-status", c1, c2}).split('\n')) {
            QStringList parts = line.split('\t');
            parts[0] = parts[0].left(1); // R087 -> R
            theirs << parts.join('\t');
        }
        const auto byPath = [](const QString &x, const QString &y) {
            return x.section('\t', -1) < y.section('\t', -1);
        };
        std::sort(ours.begin(), ours.end(), byPath);
        std::sort(theirs.begin(), theirs.end(), byPath);
        QCOMPARE(ours, theirs);
        QCOMPARE(theirs.size(), 5); // a->sub/a-moved, b deleted, c->d, e added, keep modified

        for (const FileDiff &f : std::as_const(*files)) {
            if (f.path == QLatin1String("sub/a-moved.txt")) {
                QVERIFY(f.similarity >= 90 && f.similarity < 100);
                QCOMPARE(f.hunks.size(), 1);
                // the hunks turn the old file into the new one
                QCOMPARE(GitDiff::applyHunks(lines(1, 40), f, {0}), moved);
                QCOMPARE(GitDiff::applyHunks(lines(1, 40), f, {}), lines(1, 40));
            } else if (f.path == QLatin1String("d.txt")) {
                QCOMPARE(f.similarity, 100);
                QVERIFY(f.hunks.isEmpty());
            }
        }

        // the counts without line lists agree with the full diff
        auto stats = GitDiff::statsBetween(*repository, c1, c2);
        QVERIFY(stats.ok());
        QCOMPARE(stats->size(), files->size());
        for (int i = 0; i < files->size(); ++i) {
            QCOMPARE(stats->at(i).path, files->at(i).path);
            QCOMPARE(stats->at(i).oldPath, files->at(i).oldPath);
            QCOMPARE(stats->at(i).status, files->at(i).status);
            QCOMPARE(stats->at(i).additions, files->at(i).additions());
            QCOMPARE(stats->at(i).deletions, files->at(i).deletions());
        }
    }

    void similarityMeasure()
    {
        QCOMPARE(GitDiff::similarity(lines(1, 10), lines(1, 10)), 100);
        QCOMPARE(GitDiff::similarity(lines(1, 10), lines(11, 20)), 0);
        const int half = GitDiff::similarity(lines(1, 10), lines(1, 5) + lines(11, 15));
        QVERIFY2(half >= 45 && half <= 55, qPrintable(QString::number(half)));
    }
};

QTEST_GUILESS_MAIN(TestGitDiff)
#include "tst_gitdiff.moc"
