using TagImmutability.Cli;

return TagImmCommand.Run(args, Console.Out, Console.Error);
