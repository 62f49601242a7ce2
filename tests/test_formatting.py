from oress.publish import formatting as fmt


def test_french_typography():
    assert fmt.entier(3636) == "3\u202f636"
    assert fmt.entier(270.5) == "271" and fmt.entier(119.5) == "120"      # half up, not half to even
    assert fmt.pourcentage(0.143) == "14,3\u00a0%"
    assert fmt.pourcentage(112172 / 1051725) == "10,7\u00a0%"
    assert fmt.millions_euros(85_400_000) == "85,4\u00a0M€"
    assert fmt.millions_euros(3_058_256_220) == "3\u202f058,3\u00a0M€"
    assert fmt.points(0.019) == "+1,9\u00a0pt" and fmt.points(-0.02) == "−2,0\u00a0pt"


def test_secret_and_missing_values_print_as_s():
    assert fmt.entier(None) == fmt.pourcentage(float("nan")) == fmt.millions_euros(None) == "s"
