#pragma once

#include <QHash>
#include <QWizardPage>

class QButtonGroup;
class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;

namespace ktx {

struct ProjectFolderState;

// Setup step "project": create a new project, open an existing one, or use the
// demo project. Each choice remembers its own folder. Problems the scaffold
// would refuse (a git root, an existing project) are shown inline before Next.
class ProjectLocationPage : public QWizardPage
{
    Q_OBJECT
    // Registered as the SetupField::ProjectMode field.
    Q_PROPERTY(QString mode READ mode WRITE setMode NOTIFY modeChanged)

public:
    enum class Mode { New, Open, Demo };

    static QString modeName(Mode mode); // "new" | "open" | "demo"
    static Mode modeFromName(const QString &name); // unknown names are New
    static QString defaultDemoDir();

    explicit ProjectLocationPage(QWidget *parent = nullptr);

    QString mode() const { return modeName(m_mode); }
    void setMode(const QString &name);

    void initializePage() override;
    bool isComplete() const override;
    int nextId() const override;

Q_SIGNALS:
    void modeChanged();

protected:
    void changeEvent(QEvent *event) override;

private:
    enum class Tone { None, Info, Warning, Error };

    QRadioButton *addChoice(Mode mode, const QString &text, const QString &description,
                            QWidget *parent);
    void chooseFolder();
    void updateState();
    void showMessage(Tone tone, const QString &text);
    void updateColors();

    Mode m_mode = Mode::New;
    bool m_canProceed = false;
    Tone m_tone = Tone::None;
    QHash<int, QString> m_folderByMode;

    QButtonGroup *m_choices = nullptr;
    QList<QLabel *> m_descriptions;
    QLineEdit *m_folder = nullptr;
    QPushButton *m_browse = nullptr;
    QLabel *m_nameLabel = nullptr;
    QLineEdit *m_name = nullptr;
    QCheckBox *m_allowNonEmpty = nullptr;
    QLabel *m_messageIcon = nullptr;
    QLabel *m_message = nullptr;
};

} // namespace ktx
