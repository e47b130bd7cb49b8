from ecabinet.cli import main

main()
