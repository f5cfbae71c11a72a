"""Understanding learned from examples: a linear model over word and character n-grams.

The model is trained at build time (`integrity-bot nlu build`, scikit-learn) from the labelled
examples in knowledge/examples/ and applied at run time with numpy alone. It proposes readings
(intent, topic, report type, info item); the rules in knowledge/engine.py check them, and the
verdict always comes from the organisation's cited rules, never from the model.
"""
