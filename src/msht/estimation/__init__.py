"""The hidden figure: multiple systems estimation of victims no agency has seen."""
