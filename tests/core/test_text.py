from renkei.core.text import fold_kana, normalise


def test_fold_kana_ignores_kana_type_and_width():
    assert fold_kana("ｱｵﾊﾞ ﾊﾅｺ") == fold_kana("アオバ ハナコ") == fold_kana("あおば　はなこ") == "あおばはなこ"


def test_fold_kana_keeps_long_vowel_marks_and_voiced_sounds():
    assert fold_kana("センター") == "せんたー"
    assert fold_kana("ｳﾞｧｲｵﾘﾝ") == "ゔぁいおりん"


def test_normalise_folds_full_width_latin_and_digits():
    assert normalise("ＡＢＣ１２３　テスト ") == "ABC123 テスト"
