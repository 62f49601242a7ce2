from oress.cli import app

app()
